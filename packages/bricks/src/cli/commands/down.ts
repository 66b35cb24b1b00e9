// `bricks down`: ask the daemon to stop every replica and itself; wait until it is gone.
// Without a daemon it still kills replica groups a crashed daemon may have left.
import { killLeftoverGroups } from '../../platform/runtime/index.ts';
import type { GlobalOptions } from '../context.ts';
import { fromApi, pathsOf } from '../context.ts';
import { findDaemon, readDaemonInfo } from '../local-daemon/find.ts';
import { waitForExit } from '../local-daemon/liveness.ts';
import { CliError } from '../errors.ts';

export async function down(options: GlobalOptions & { timeout?: string }): Promise<void> {
  const paths = pathsOf(options);
  const api = await findDaemon(paths).catch(() => null);
  const info = readDaemonInfo(paths);
  if (api === null || info === null) {
    const killed = killLeftoverGroups(paths.groups);
    console.log(killed > 0 ? `no daemon was running; killed ${killed} leftover replica group(s)` : 'nothing is running');
    return;
  }
  await api.down().catch((e: unknown) => Promise.reject(fromApi(e)));
  process.stdout.write('stopping');
  const timeoutMs = Number(options.timeout ?? '120') * 1000;
  if (!(await waitForExit(info.pid, timeoutMs, () => process.stdout.write('.')))) {
    process.stdout.write('\n');
    throw new CliError('failed', `the daemon (pid ${info.pid}) did not stop within ${timeoutMs / 1000} s; kill it and run \`bricks down\` again to clean up`);
  }
  process.stdout.write(' stopped\n');
}
