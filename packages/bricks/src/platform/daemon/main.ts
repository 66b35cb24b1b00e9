// The daemon process: `bricks up` starts it detached with the stack file; it runs until
// `bricks down`, SIGTERM or SIGINT, and then leaves no replica behind. Its log (.bricks/
// daemon.log) is JSON lines in pino's form, as an SDK service's are: `bricks logs` and any log
// tool read both alike.
import { DaemonStartError, startDaemon } from './daemon.ts';
import type { DaemonLog } from './daemon.ts';

/** pino's levels: 30 info, 50 error. */
function line(level: 30 | 50, msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ level, time: new Date().toISOString(), service: 'bricks-daemon', pid: process.pid, msg, ...fields });
}

export async function runDaemonProcess(stackFile: string): Promise<void> {
  const log: DaemonLog = (msg, fields) => console.log(line(30, msg, fields));
  let daemon;
  try {
    daemon = await startDaemon(stackFile, log);
  } catch (err) {
    const known = err instanceof DaemonStartError;
    console.error(line(50, known ? err.message : 'the daemon could not start', known ? { code: err.code } : { err: { message: String(err), stack: err instanceof Error ? err.stack : undefined } }));
    process.exit(2);
  }
  const running = daemon;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      void running.stop();
    });
  }
  await running.done;
  process.exit(0);
}
