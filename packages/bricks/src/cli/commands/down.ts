// `bricks down`: ask the daemon to stop every replica and itself; wait until it is gone.
// Without a daemon it still kills replica groups a crashed daemon may have left. With
// --volumes, then removes the backing services' data (.bricks/data/), which `down` alone keeps.
import { existsSync, rmSync } from 'node:fs';
import { killLeftoverGroups } from '../../platform/runtime/index.ts';
import type { ProjectPaths } from '../../platform/paths.ts';
import type { GlobalOptions } from '../context.ts';
import { fromApi, pathsOf } from '../context.ts';
import { findDaemon, readDaemonInfo } from '../local-daemon/find.ts';
import { waitForExit } from '../local-daemon/liveness.ts';
import { CliError } from '../errors.ts';

export async function down(options: GlobalOptions & { timeout?: string; volumes?: boolean }): Promise<void> {
  const paths = pathsOf(options);
  await stop(paths, options);
  // Only once nothing runs: a database's files are removed after its server has stopped.
  if (options.volumes === true && existsSync(paths.data)) {
    rmSync(paths.data, { recursive: true, force: true });
    console.log(`removed the backing services' data (${paths.data})`);
  }
}

async function stop(paths: ProjectPaths, options: { timeout?: string }): Promise<void> {
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
