// The ready notice: a process bricks starts (a replica, or the daemon that `bricks up` starts)
// may say "READY=1" on a pipe bricks hands it as descriptor 3 and names in BRICKS_NOTIFY_FD, in
// the manner of systemd's NOTIFY_SOCKET. It saves waiting for the next poll (a replica's
// readiness probe, or `bricks up` looking for daemon.json), and it is only a hint: a replica
// is ready when its probe says so, the daemon when daemon.json names it. The SDK's serve()
// sends the replicas' notice (packages/sdk/src/server/ready-notice.ts).
import { closeSync, fstatSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { NOTIFY_FD_VARIABLE } from '@bricks/sdk/platform-env';

export { NOTIFY_FD_VARIABLE };
/** The pipe's descriptor in the child: the first after stdin, stdout and stderr. */
export const NOTIFY_FD = 3;

/** Calls `onReady` for each READY=1 the child writes; the pipe's errors only end the notices. */
export function onReadyNotice(pipe: Readable | null | undefined, onReady: () => void): void {
  if (pipe === null || pipe === undefined) return;
  pipe.on('error', () => undefined);
  createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => {
    if (line === 'READY=1') onReady();
  });
}

/**
 * This process's own notice to the process that started it (the daemon's to `bricks up`); a
 * no-op without BRICKS_NOTIFY_FD. Closes the pipe, and takes the variable out of the
 * environment, so that nothing this process starts later inherits either.
 */
export function noticeReady(): void {
  const value = process.env[NOTIFY_FD_VARIABLE];
  if (value === undefined || !/^\d+$/.test(value)) return;
  delete process.env[NOTIFY_FD_VARIABLE];
  const fd = Number(value);
  try {
    // Only a pipe or socket: a stale variable must not make us write into a file that
    // happens to hold that descriptor.
    const stat = fstatSync(fd);
    if (!stat.isFIFO() && !stat.isSocket()) return;
    writeSync(fd, 'READY=1\n');
    closeSync(fd);
  } catch {
    // The parent went away, or the descriptor is not open: it still polls.
  }
}
