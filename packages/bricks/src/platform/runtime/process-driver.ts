// Runs replicas as child processes. Each replica leads its own process group so a stop
// reaches a shell's children too; output arrives line by line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Command } from '../../stack/model.ts';
import { RuntimeError } from './errors.ts';

export interface SpawnSpec {
  readonly command: Command;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
}

export type Stream = 'stdout' | 'stderr';

export interface ChildReplica {
  readonly pid: number;
  readonly exited: Promise<Exit>;
}

export function argvOf(command: Command): readonly string[] {
  return command.kind === 'argv' ? command.argv : ['/bin/sh', '-c', command.script];
}

/** Starts the process; resolves once it is running, rejects if it could not be started. */
export function spawnReplica(spec: SpawnSpec, onLine: (stream: Stream, line: string) => void): Promise<ChildReplica> {
  const [file, ...args] = argvOf(spec.command);
  if (file === undefined) return Promise.reject(new RuntimeError('empty-command', 'the command is empty'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: spec.cwd, env: { ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    child.once('error', (err) => reject(new RuntimeError('spawn-failed', `could not start ${file}: ${err.message}`, { cause: err })));
    child.once('spawn', () => {
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = createInterface({ input: child[stream], crlfDelay: Infinity });
        lines.on('line', (line) => onLine(stream, line));
      }
      resolve({ pid: child.pid ?? -1, exited });
    });
  });
}

/** Sends a signal to the replica's whole process group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM, then SIGKILL after the grace period. SIGCONT follows SIGTERM so a stopped
 * (SIGSTOP) process can act on it instead of sitting out the whole grace period.
 */
export async function stopReplica(child: ChildReplica, graceMs: number): Promise<Exit> {
  signalGroup(child.pid, 'SIGTERM');
  signalGroup(child.pid, 'SIGCONT');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const first = await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  if (first === 'timeout') {
    signalGroup(child.pid, 'SIGKILL');
    return child.exited;
  }
  // The leader is gone; take any straggler of its group with it.
  signalGroup(child.pid, 'SIGKILL');
  return first;
}
