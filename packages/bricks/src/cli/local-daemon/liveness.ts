// Whether the daemon process (or any pid) still runs, and waiting for it to end.
import { readFileSync } from 'node:fs';

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** False if the process still runs after `timeoutMs`; `tick` is called about every half second. */
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
