// `bricks deploy`, `rollback`, `history` and `diff`: releases by git SHA, through the daemon.
import { DEFAULT_ROLLBACK_REF } from '../../platform/api/contract/index.ts';
import { dirname } from 'node:path';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi, stackFileOf } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { table } from '../format/table.ts';
import { printResult, runOperation } from '../operation.ts';
import { deployExplained } from '../start-failure/deploy-explained.ts';

export async function deploy(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  if (options.json !== true) {
    const result = await deployExplained(api, dirname(stackFileOf(options)));
    // deployExplained is quiet about a deploy that changed nothing; `bricks deploy` says so.
    if (result.outcome === 'unchanged') printResult(result);
    return;
  }
  const result = await runOperation(api.deploy(), { json: true });
  if (result.outcome !== 'completed' && result.outcome !== 'unchanged') throw new CliError('failed', result.detail);
}

export async function rollback(ref: string | undefined, options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const result = await runOperation(api.rollback({ ref: ref ?? DEFAULT_ROLLBACK_REF }), { json: options.json });
  if (options.json !== true) printResult(result);
}

export async function history(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const doc = await api.history().catch((e: unknown) => Promise.reject(fromApi(e)));
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
  const doc = await api.diff({ a, b }).catch((e: unknown) => Promise.reject(fromApi(e)));
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
