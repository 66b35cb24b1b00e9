// Following the stack in the foreground (`up`, `dev`): events and logs as they come; Ctrl-C
// (or SIGTERM) stops the whole stack.
import type { ApiClient } from '../platform/api/client.ts';
import type { ProjectPaths } from '../platform/paths.ts';
import { readDaemonInfo } from './local-daemon/find.ts';
import { pidAlive, waitForExit } from './local-daemon/liveness.ts';
import { CliError } from './errors.ts';
import { color } from './format/color.ts';
import { describeEvent } from './format/event.ts';
import { formatLogLine } from './format/log-line.ts';

/** How long a Ctrl-C waits for the daemon to stop every replica. */
const STOP_TIMEOUT_MS = 120_000;

export async function follow(api: ApiClient, paths: ProjectPaths): Promise<void> {
  const controller = new AbortController();
  const info = readDaemonInfo(paths);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(color.dim('\nstopping the stack (Ctrl-C again leaves it running in the background)'));
    process.once('SIGINT', () => process.exit(130));
    await api.down().catch(() => undefined);
    if (info !== null) await waitForExit(info.pid, STOP_TIMEOUT_MS);
    controller.abort();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const events = (async () => {
    for await (const e of api.events({ history: true }, controller.signal)) {
      const line = describeEvent(e);
      if (line !== null) console.log(line);
      if (e.type === 'platform' && e.state === 'down') controller.abort();
    }
  })();
  const logLines = (async () => {
    for await (const l of api.followLogs({ tail: 0 }, controller.signal)) console.log(formatLogLine(l));
  })();
  const watchdog = setInterval(() => {
    if (info !== null && !pidAlive(info.pid)) controller.abort();
  }, 500);
  await Promise.allSettled([events, logLines]);
  clearInterval(watchdog);
  if (!stopping) throw new CliError('failed', `the bricks daemon went away; see ${paths.daemonLog}`);
}
