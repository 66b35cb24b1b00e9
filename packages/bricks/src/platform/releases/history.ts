// Pure readings of the history: each release's status, which one is current, and what a
// user's reference (`a1b2c3`, `-2`) means. No I/O, so the rules are tested on plain values.
import { ReleaseError } from './errors.ts';
import { statusOf } from './model.ts';
import type { OutcomeRecord, Release, ReleaseEntry } from './model.ts';

/** Joins releases with their outcomes; oldest first. Records of unknown ids are ignored. */
export function entriesOf(releases: readonly Release[], records: readonly OutcomeRecord[]): ReleaseEntry[] {
  const byId = new Map<number, OutcomeRecord[]>();
  for (const r of records) {
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  return [...releases]
    .sort((a, b) => a.id - b.id)
    .map((release) => {
      const outcomes = byId.get(release.id) ?? [];
      return { release, outcomes, status: statusOf(outcomes) };
    });
}

/**
 * The release running now: the most recently completed one that nothing has since
 * overridden (its last outcome is still `completed`). Later failed, interrupted or
 * rolled-back releases leave the one before them current.
 */
export function currentOf(entries: readonly ReleaseEntry[], records: readonly OutcomeRecord[]): ReleaseEntry | undefined {
  const byId = new Map(entries.map((e) => [e.release.id, e]));
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i];
    if (record?.kind !== 'completed') continue;
    const entry = byId.get(record.id);
    if (entry?.status === 'completed') return entry;
  }
  return undefined;
}

/** Git's shortest abbreviation of a SHA. */
const MIN_PREFIX = 4;

/**
 * `-N`: the Nth release before the current one, counting releases that once completed (a
 * release that never ran is no place to go back to); `-0` is the current one.
 * A SHA prefix: the releases of that commit, the latest completed one first, else the latest.
 */
export function resolveRef(entries: readonly ReleaseEntry[], current: ReleaseEntry | undefined, ref: string): ReleaseEntry {
  const back = /^-(\d+)$/.exec(ref);
  if (back) {
    const n = Number(back[1]);
    if (current === undefined) throw new ReleaseError('bad-ref', `'${ref}' counts back from the current release, and no release has completed yet`);
    const ran = entries.filter((e) => e.outcomes.some((o) => o.kind === 'completed'));
    const at = ran.findIndex((e) => e.release.id === current.release.id);
    const target = ran[at - n];
    if (target === undefined) {
      throw new ReleaseError('not-found', `'${ref}': there are only ${at} completed releases before the current one (#${current.release.id})`);
    }
    return target;
  }
  if (!new RegExp(`^[0-9a-f]{${MIN_PREFIX},64}$`, 'i').test(ref)) {
    throw new ReleaseError('bad-ref', `'${ref}' is neither a commit SHA (at least ${MIN_PREFIX} hex digits) nor -N`);
  }
  const prefix = ref.toLowerCase();
  const matches = entries.filter((e) => e.release.sha.startsWith(prefix));
  const shas = [...new Set(matches.map((e) => e.release.sha))];
  if (shas.length === 0) throw new ReleaseError('not-found', `no release of a commit starting with ${prefix}`);
  if (shas.length > 1) {
    throw new ReleaseError('ambiguous', `${prefix} matches releases of ${shas.length} commits: ${shas.map((s) => s.slice(0, 12)).join(', ')}`);
  }
  const newestFirst = [...matches].reverse();
  return newestFirst.find((e) => e.status === 'completed') ?? newestFirst.find((e) => e.outcomes.some((o) => o.kind === 'completed')) ?? newestFirst[0]!;
}
