// The daemon process: `bricks up` starts it detached with the stack file; it runs until
// `bricks down`, SIGTERM or SIGINT, and then leaves no replica behind.
import { DaemonStartError, startDaemon } from './daemon.ts';

export async function runDaemonProcess(stackFile: string): Promise<void> {
  const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);
  let daemon;
  try {
    daemon = await startDaemon(stackFile, log);
  } catch (err) {
    console.error(err instanceof DaemonStartError ? err.message : err);
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
