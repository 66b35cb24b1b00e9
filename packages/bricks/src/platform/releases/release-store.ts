// The release store over `<project>/.bricks/releases/`: one immutable file per release
// (`00000001.json`, created atomically, never rewritten) and the append-only outcome log
// `outcomes.jsonl`. Only the daemon writes; writes in one store are serialized.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { STACK_MODEL_VERSION } from '../../stack/model.ts';
import type { Service } from '../../stack/model.ts';
import { TEMP_PREFIX, createExclusive } from './durable-file.ts';
import { ReleaseError } from './errors.ts';
import { currentOf, entriesOf, resolveRef } from './history.ts';
import { isUnfinished } from './model.ts';
import type { NewRelease, Outcome, OutcomeRecord, Release, ReleaseEntry } from './model.ts';
import { appendRecord, readLog, repairTail } from './outcome-log.ts';
import type { LogRead } from './outcome-log.ts';
import { diffReleases } from './release-diff.ts';
import type { ReleaseDiff } from './release-diff.ts';

export const LOG_FILE = 'outcomes.jsonl';
const RELEASE_FILE = /^(\d+)\.json$/;
/** Git object names: SHA-1 (40 hex digits) or SHA-256 repositories (64). */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const releaseSchema = z.object({
  id: z.number().int().positive(),
  sha: z.string().regex(SHA),
  dirty: z.boolean(),
  dirtyHash: z.string().min(1).optional(),
  createdAt: z.string(),
  services: z.record(
    z.string(),
    z.object({ digest: z.string().min(1), config: z.custom<Service>((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) }),
  ),
  previous: z.number().int().positive().optional(),
  kind: z.enum(['deploy', 'rollback']),
  rollbackOf: z.number().int().positive().optional(),
  model: z.number().int().positive().optional(),
});

export interface ReleaseStoreOptions {
  /** The clock for `createdAt` and outcome times (tests inject one). */
  readonly now?: () => Date;
}

/** What `recover()` found and did: call it when the daemon starts, before anything else. */
export interface RecoveryReport {
  /** Temporary files of writes a crash cut short; deleted (no release was half-written). */
  readonly removedTempFiles: readonly string[];
  /** The partial last log line a crash mid-append left; cut off. */
  readonly tornLogTail: string | null;
  /** Whole log lines that are not records (damage); skipped, kept in the file. */
  readonly badLogLines: readonly number[];
  /** Releases whose rollout never reached an end (`recorded` or `started`), oldest first. */
  readonly unfinished: readonly ReleaseEntry[];
  /** One line per finding, for the daemon's log. */
  readonly notes: readonly string[];
}

interface Snapshot {
  readonly entries: readonly ReleaseEntry[];
  readonly log: LogRead;
}

export class ReleaseStore {
  readonly dir: string;
  private readonly logPath: string;
  private readonly now: () => Date;
  /** Release files never change once written, so a parsed one is good forever. */
  private readonly cache = new Map<number, Release>();
  private writes: Promise<unknown> = Promise.resolve();
  private tailChecked = false;

  private constructor(dir: string, options: ReleaseStoreOptions) {
    this.dir = dir;
    this.logPath = join(dir, LOG_FILE);
    this.now = options.now ?? (() => new Date());
  }

  static async open(dir: string, options: ReleaseStoreOptions = {}): Promise<ReleaseStore> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new ReleaseError('io', `cannot create the release store ${dir}`, { cause: err });
    }
    return new ReleaseStore(dir, options);
  }

  async recover(): Promise<RecoveryReport> {
    return this.exclusive(async () => {
      const notes: string[] = [];
      const removedTempFiles: string[] = [];
      for (const name of await readdir(this.dir)) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        await rm(join(this.dir, name), { force: true });
        removedTempFiles.push(name);
        notes.push(`removed ${name}, left by a write that a crash interrupted; no release was half-written`);
      }
      const before = await readLog(this.logPath);
      const tornLogTail = await repairTail(this.logPath);
      this.tailChecked = true;
      if (tornLogTail !== null) notes.push(`cut a torn last line off ${LOG_FILE} (an append a crash interrupted): ${JSON.stringify(tornLogTail)}`);
      if (before.badLines.length > 0) notes.push(`${LOG_FILE}: skipped lines that are not records: ${before.badLines.join(', ')}`);
      const { entries } = await this.snapshot();
      const unfinished = entries.filter((e) => isUnfinished(e.status));
      for (const e of unfinished) {
        notes.push(`release #${e.release.id} (${e.release.sha.slice(0, 12)}) was ${e.status === 'started' ? 'rolling out' : 'recorded but not started'} when the daemon stopped`);
      }
      return { removedTempFiles, tornLogTail, badLogLines: before.badLines, unfinished, notes };
    });
  }

  /** Writes a new release and returns its id. */
  async record(input: NewRelease): Promise<number> {
    return this.exclusive(async () => {
      const { entries, log } = await this.snapshot();
      validate(input, entries);
      const previous = input.previous ?? currentOf(entries, log.records)?.release.id;
      let id = entries.reduce((max, e) => Math.max(max, e.release.id), 0) + 1;
      // Another store object (another process) may take an id first; the exclusive create tells.
      for (;;) {
        const release: Release = {
          id,
          sha: input.sha,
          dirty: input.dirty,
          ...(input.dirtyHash === undefined ? {} : { dirtyHash: input.dirtyHash }),
          createdAt: input.createdAt ?? this.now().toISOString(),
          services: input.services,
          ...(previous === undefined ? {} : { previous }),
          kind: input.kind,
          ...(input.rollbackOf === undefined ? {} : { rollbackOf: input.rollbackOf }),
          model: STACK_MODEL_VERSION,
        };
        let created: boolean;
        try {
          created = await createExclusive(this.dir, fileName(id), `${JSON.stringify(release, null, 2)}\n`);
        } catch (err) {
          throw new ReleaseError('io', `cannot write release ${id} in ${this.dir}`, { cause: err });
        }
        if (created) {
          this.cache.set(id, release);
          return id;
        }
        id++;
      }
    });
  }

  /** Appends what happened to a release to the log. */
  async mark(id: number, outcome: Outcome): Promise<void> {
    return this.exclusive(async () => {
      if ((await this.read(id)) === undefined) throw new ReleaseError('not-found', `no release #${id}`);
      let created = false;
      try {
        if (!this.tailChecked) {
          await repairTail(this.logPath);
          this.tailChecked = true;
        }
        created = (await readdir(this.dir)).includes(LOG_FILE) === false;
        const record = { ...outcome, id, at: this.now().toISOString() } as OutcomeRecord;
        await appendRecord(this.logPath, this.dir, record, created);
      } catch (err) {
        throw new ReleaseError('io', `cannot append to ${this.logPath}`, { cause: err });
      }
    });
  }

  async get(id: number): Promise<Release | undefined> {
    return this.read(id);
  }

  async entry(id: number): Promise<ReleaseEntry | undefined> {
    return (await this.snapshot()).entries.find((e) => e.release.id === id);
  }

  /** Oldest first. */
  async list(): Promise<readonly ReleaseEntry[]> {
    return (await this.snapshot()).entries;
  }

  /** Releases of exactly this commit, newest first. */
  async bySha(sha: string): Promise<readonly ReleaseEntry[]> {
    const { entries } = await this.snapshot();
    return entries.filter((e) => e.release.sha === sha).reverse();
  }

  /** The last completed release that nothing overrode since; undefined before the first one completes. */
  async current(): Promise<ReleaseEntry | undefined> {
    const { entries, log } = await this.snapshot();
    return currentOf(entries, log.records);
  }

  /** A SHA prefix (4+ hex digits) or `-N` (N completed releases before the current one). */
  async resolve(ref: string): Promise<ReleaseEntry> {
    const { entries, log } = await this.snapshot();
    return resolveRef(entries, currentOf(entries, log.records), ref);
  }

  async diff(a: number | Release, b: number | Release): Promise<ReleaseDiff> {
    return diffReleases(await this.need(a), await this.need(b));
  }

  private async need(ref: number | Release): Promise<Release> {
    if (typeof ref !== 'number') return ref;
    const release = await this.read(ref);
    if (release === undefined) throw new ReleaseError('not-found', `no release #${ref}`);
    return release;
  }

  private async snapshot(): Promise<Snapshot> {
    let names: string[];
    let log: LogRead;
    try {
      names = await readdir(this.dir);
      log = await readLog(this.logPath);
    } catch (err) {
      throw new ReleaseError('io', `cannot read the release store ${this.dir}`, { cause: err });
    }
    const releases: Release[] = [];
    for (const name of names) {
      const m = RELEASE_FILE.exec(name);
      if (!m) continue;
      const release = await this.read(Number(m[1]));
      if (release) releases.push(release);
    }
    return { entries: entriesOf(releases, log.records), log };
  }

  private async read(id: number): Promise<Release | undefined> {
    const known = this.cache.get(id);
    if (known) return known;
    const path = join(this.dir, fileName(id));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ReleaseError('io', `cannot read ${path}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ReleaseError('corrupt', `${path} is not valid JSON`, { cause: err });
    }
    const result = releaseSchema.safeParse(parsed);
    if (!result.success || result.data.id !== id) {
      throw new ReleaseError('corrupt', `${path} is not a release${result.success ? ` (it says id ${result.data.id})` : `: ${result.error.message}`}`);
    }
    const release = result.data as Release;
    this.cache.set(id, release);
    return release;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => {});
    return run;
  }
}

function fileName(id: number): string {
  // Eight digits sort by name up to release 99 999 999; larger ids still parse.
  return `${String(id).padStart(8, '0')}.json`;
}

function validate(input: NewRelease, entries: readonly ReleaseEntry[]): void {
  const has = (id: number): boolean => entries.some((e) => e.release.id === id);
  if (!SHA.test(input.sha)) throw new ReleaseError('invalid', `'${input.sha}' is not a full commit SHA`);
  if (input.dirty && !input.dirtyHash) throw new ReleaseError('invalid', 'a dirty release needs the hash of its uncommitted changes');
  if (input.kind === 'rollback' && (input.rollbackOf === undefined || !has(input.rollbackOf))) {
    throw new ReleaseError('invalid', `a rollback must name the release it puts back (got ${String(input.rollbackOf)})`);
  }
  if (input.kind === 'deploy' && input.rollbackOf !== undefined) throw new ReleaseError('invalid', 'only a rollback has rollbackOf');
  if (input.previous !== undefined && !has(input.previous)) throw new ReleaseError('invalid', `previous release #${input.previous} does not exist`);
  for (const [name, s] of Object.entries(input.services)) {
    if (!s.digest) throw new ReleaseError('invalid', `service ${name} has no digest`);
  }
}
