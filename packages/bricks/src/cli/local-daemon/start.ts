// Starting the project's daemon: a detached `bricks __daemon FILE`, waited for until it says it
// is ready (or dies, or takes too long).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ApiClient } from '../../platform/api/client.ts';
import type { ProjectPaths } from '../../platform/paths.ts';
import { NOTIFY_FD, NOTIFY_FD_VARIABLE, onReadyNotice } from '../../platform/runtime/index.ts';
import { packagePath } from '../../util/package-root.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { readableLine } from '../format/log-line.ts';
import { findDaemon, readDaemonInfo } from './find.ts';

/** Longest a daemon may take to load the stack and open its addresses and API. */
const START_TIMEOUT_MS = 30_000;

export async function startDaemonProcess(stackFile: string, paths: ProjectPaths): Promise<ApiClient> {
  mkdirSync(paths.dir, { recursive: true });
  const out = openSync(paths.daemonLog, 'a');
  // The daemon starts through the same launcher as the CLI (the bundle when it is fresh). It
  // says READY=1 on descriptor 3 once daemon.json is written (its ready notice), so we need
  // not poll for that file; the slow poll only covers a daemon that cannot say so.
  const child = spawn(process.execPath, [packagePath('bin', 'bricks.js'), '__daemon', stackFile], {
    detached: true,
    stdio: ['ignore', out, out, 'pipe'],
    env: { ...process.env, [NOTIFY_FD_VARIABLE]: String(NOTIFY_FD) },
    cwd: paths.dir,
  });
  closeSync(out);
  child.unref();
  const pid = child.pid ?? -1;
  let exited = false;
  let wake: () => void = () => {};
  child.once('exit', () => {
    exited = true;
    wake();
  });
  const notices = child.stdio[NOTIFY_FD] as Readable | null;
  onReadyNotice(notices, () => wake());
  const deadline = Date.now() + START_TIMEOUT_MS;
  process.stdout.write(color.dim('starting the bricks daemon'));
  try {
    for (;;) {
      if (exited) {
        process.stdout.write('\n');
        throw new CliError('failed', `the bricks daemon stopped at start:\n${tail(paths.daemonLog, 20)}`);
      }
      const info = readDaemonInfo(paths);
      if (info !== null && info.pid === pid) {
        process.stdout.write(color.dim(` (pid ${pid})\n`));
        return await findDaemon(paths);
      }
      if (Date.now() > deadline) throw new CliError('failed', `the bricks daemon did not come up within ${START_TIMEOUT_MS / 1000} s; see ${paths.daemonLog}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    // The daemon runs on: nothing of it may keep this process alive.
    notices?.destroy();
    child.removeAllListeners('exit');
  }
}

/** The log's last lines, made readable (they are JSON, as replicas' lines are). */
function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map(readableLine).join('\n');
  } catch {
    return '(no log)';
  }
}
