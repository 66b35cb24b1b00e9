// Tells the platform that started this process that it is ready, so that its readiness probe
// runs now rather than at its next tick (locally up to 100 ms later, once per `depends_on`
// stage). The bricks daemon passes a pipe's descriptor in BRICKS_NOTIFY_FD, in the manner of
// systemd's NOTIFY_SOCKET. The notice is a hint, never a verdict: the platform still probes
// /readyz and decides on that. Elsewhere (Swarm, Kubernetes, tests) the variable is absent and
// nothing happens.
import { closeSync, fstatSync, writeSync } from 'node:fs';
import { NOTIFY_FD_VARIABLE } from '../config/platform-env-names.js';
import { processState } from './process-state.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Sends `READY=1` once per process (an `x-bricks.group` process serves several services). */
export function noticeReady(env: Env): void {
  const state = processState();
  if (state.readyNoticed === true) return;
  const value = env[NOTIFY_FD_VARIABLE];
  if (value === undefined || !/^\d+$/.test(value)) return;
  state.readyNoticed = true;
  // The processes this one starts must not inherit the daemon's pipe's name.
  if (env === process.env) delete process.env[NOTIFY_FD_VARIABLE];
  const fd = Number(value);
  try {
    // Only a pipe or socket: a stale variable must not make us write into a file that
    // happens to hold that descriptor.
    const stat = fstatSync(fd);
    if (!stat.isFIFO() && !stat.isSocket()) return;
    writeSync(fd, 'READY=1\n');
    closeSync(fd);
  } catch {
    // The daemon went away, or the descriptor is not open: its probe still runs.
  }
}
