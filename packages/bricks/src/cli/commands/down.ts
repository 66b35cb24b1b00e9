// `bricks down`: ask the daemon to stop every replica and itself; wait until it is gone.
// Without a daemon it still kills replica groups a crashed daemon may have left.
import { readFileSync } from 'node:fs';
import { ApiClient, pidAlive } from '../../platform/api/client.ts';
import type { DaemonInfo } from '../../platform/paths.ts';
import { killLeftoverGroups } from '../../platform/runtime/index.ts';
import type { GlobalOptions } from '../context.ts';
import { fromApi, pathsOf } from '../context.ts';
import { CliError } from '../errors.ts';

export async function down(options: GlobalOptions & { timeout?: string }): Promise<void> {
  const paths = pathsOf(options);
  const api = await ApiClient.forProject(paths).catch(() => null);
  if (api === null) {
    const killed = killLeftoverGroups(paths.groups);
    console.log(killed > 0 ? `no daemon was running; killed ${killed} leftover replica group(s)` : 'nothing is running');
    return;
  }
  const info = JSON.parse(readFileSync(paths.daemon, 'utf8')) as DaemonInfo;
  await api.post('/v1/down', {}).catch((e: unknown) => Promise.reject(fromApi(e)));
  process.stdout.write('stopping');
  const timeoutMs = Number(options.timeout ?? '120') * 1000;
  if (!(await waitForExit(info.pid, timeoutMs, () => process.stdout.write('.')))) {
    process.stdout.write('\n');
    throw new CliError('failed', `the daemon (pid ${info.pid}) did not stop within ${timeoutMs / 1000} s; kill it and run \`bricks down\` again to clean up`);
  }
  process.stdout.write(' stopped\n');
}

export async function waitForExit(pid: number, timeoutMs: number, tick?: () => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
    if (++n % 10 === 0) tick?.();
  }
  return true;
}
