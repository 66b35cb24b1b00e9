// `bricks deploy`, `rollback`, `history` and `diff`: releases by git SHA, through the daemon.
import type { ApiClient } from '../../platform/api/client.ts';
import type { DeployResult, OperationLine } from '../../platform/api/contract/index.ts';
import type { ReleaseDiff, ReleaseEntry } from '../../platform/releases/index.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { table } from '../format/table.ts';

/**
 * Runs a streamed operation, printing its progress; returns its result or throws its error.
 * `quietIfUnchanged` holds the progress back and drops it when nothing changed (`dev` asks
 * twice a second).
 */
export async function runOperation(api: ApiClient, path: string, body: unknown, json = false, quietIfUnchanged = false): Promise<DeployResult> {
  let result: DeployResult | null = null;
  const held: string[] = [];
  const print = (text: string): void => {
    if (quietIfUnchanged) held.push(text);
    else console.log(text);
  };
  try {
    for await (const line of api.streamPost<OperationLine>(path, body)) {
      if (json) print(JSON.stringify(line));
      switch (line.kind) {
        case 'progress': {
          const text = describeProgress(line);
          if (text !== null && !json) print(text);
          break;
        }
        case 'result':
          result = line.result;
          break;
        case 'error':
          throw new CliError(line.code === 'invalid-stack' ? 'invalid-stack' : 'failed', line.message);
      }
    }
  } catch (err) {
    throw fromApi(err);
  }
  if (result === null) throw new CliError('failed', 'the daemon ended the operation without a result; see `bricks logs` and .bricks/daemon.log');
  if (result.outcome !== 'unchanged') for (const text of held) console.log(text);
  return result;
}

function describeProgress(line: Extract<OperationLine, { kind: 'progress' }>): string | null {
  const p = line.progress;
  if (p.kind === 'note') return p.message;
  const e = p.event;
  const name = e.service.padEnd(16);
  switch (e.kind) {
    case 'resolving':
      return null;
    case 'cached':
      return `  ${name} ${color.dim(`unchanged ${e.digest.slice(0, 12)}`)}`;
    case 'bundling':
      return `  ${name} building…`;
    case 'done':
      return e.rebuilt ? `  ${name} built ${e.digest.slice(0, 12)} in ${e.durationMs} ms` : null;
    case 'failed':
      return `  ${name} ${color.red('failed')}: ${e.message}`;
  }
}

export function printResult(r: DeployResult): void {
  const rel = r.release === null ? '' : `release #${r.release}${r.sha === null ? '' : ` (${r.sha.slice(0, 12)})`}: `;
  switch (r.outcome) {
    case 'unchanged':
      console.log(`${color.green('unchanged')}: ${r.detail}; no replica was touched`);
      return;
    case 'completed':
      console.log(`${color.green('deployed')} ${rel}${r.changed.length === 0 ? 'no service changed' : `rolled ${r.changed.join(', ')}`}`);
      return;
    case 'rolled-back':
    case 'paused':
    case 'failed':
      throw new CliError('failed', `${rel}${r.outcome}: ${r.detail}`);
  }
}

export async function deploy(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const result = await runOperation(api, '/v1/deploy', {}, options.json);
  if (options.json === true) {
    if (result.outcome !== 'completed' && result.outcome !== 'unchanged') throw new CliError('failed', result.detail);
    return;
  }
  printResult(result);
}

export async function rollback(ref: string | undefined, options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const result = await runOperation(api, '/v1/rollback', { ref: ref ?? '-1' }, options.json);
  if (options.json !== true) printResult(result);
}

type HistoryRow = ReleaseEntry & { readonly changes: readonly { name: string; change: string }[] };

export async function history(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const doc = await api.get<{ current: number | null; releases: HistoryRow[] }>('/v1/history').catch((e: unknown) => Promise.reject(fromApi(e)));
  if (options.json === true) {
    console.log(JSON.stringify(doc, null, 2));
    return;
  }
  if (doc.releases.length === 0) {
    console.log('no release yet: `bricks deploy` makes the first one');
    return;
  }
  const rows = [...doc.releases].reverse().map((e) => {
    const r = e.release;
    const sha = `${r.sha.slice(0, 12)}${r.dirty ? '+dirty' : ''}`;
    const what = r.kind === 'rollback' ? `rollback to #${r.rollbackOf}` : 'deploy';
    const changes = e.changes.map((c) => `${c.name}${c.change === 'added' || c.change === 'removed' ? ` (${c.change})` : ''}`).join(', ');
    const outcome = e.status === 'completed' ? color.green(e.status) : e.status === 'started' || e.status === 'recorded' ? color.yellow(e.status) : color.red(e.status);
    const reason = e.outcomes.map((o) => ('reason' in o && o.reason !== undefined ? o.reason : '')).filter((x) => x !== '').pop() ?? '';
    return [`${doc.current === r.id ? '*' : ' '}${r.id}`, sha, r.createdAt.replace('T', ' ').slice(0, 19), what, changes || '-', outcome, reason.slice(0, 80)];
  });
  console.log(table([' #', 'SHA', 'TIME (UTC)', 'KIND', 'CHANGED', 'OUTCOME', 'REASON'], rows));
}

export async function diff(a: string, b: string, options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const q = new URLSearchParams({ a, b });
  const doc = await api.get<{ a: { id: number; sha: string }; b: { id: number; sha: string }; diff: ReleaseDiff }>(`/v1/diff?${q.toString()}`).catch((e: unknown) => Promise.reject(fromApi(e)));
  if (options.json === true) {
    console.log(JSON.stringify(doc, null, 2));
    return;
  }
  console.log(`#${doc.a.id} (${doc.a.sha.slice(0, 12)}) → #${doc.b.id} (${doc.b.sha.slice(0, 12)})`);
  if (doc.diff.services.length === 0) {
    console.log('no service differs');
    return;
  }
  for (const c of doc.diff.services) {
    const paths = 'configPaths' in c && c.configPaths.length > 0 ? `: ${c.configPaths.join(', ')}` : '';
    console.log(`  ${c.name.padEnd(16)} ${c.change}${paths}`);
  }
}
