// Runs replicas as child processes. Each replica leads its own process group so a stop
// reaches a shell's children too; output arrives line by line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from '../../stack/model.ts';
import { RuntimeError } from './errors.ts';
import { NOTIFY_FD, NOTIFY_FD_VARIABLE, onReadyNotice } from './ready-notice.ts';

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

/** What a replica's process says: its output, line by line, and its ready notice (ready-notice.ts). */
export interface ReplicaOutput {
  line(stream: Stream, line: string): void;
  ready(): void;
}

/** Starts the process; resolves once it is running, rejects if it could not be started. */
export function spawnReplica(spec: SpawnSpec, output: ReplicaOutput): Promise<ChildReplica> {
  const [file, ...args] = argvOf(spec.command);
  if (file === undefined) return Promise.reject(new RuntimeError('empty-command', 'the command is empty'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: { ...spec.env, [NOTIFY_FD_VARIABLE]: String(NOTIFY_FD) },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    child.once('error', (err) => reject(new RuntimeError('spawn-failed', `could not start ${file}: ${err.message}`, { cause: err })));
    child.once('spawn', () => {
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = createInterface({ input: child[stream] as Readable, crlfDelay: Infinity });
        lines.on('line', (line) => output.line(stream, line));
      }
      onReadyNotice(child.stdio[NOTIFY_FD] as Readable | null, () => output.ready());
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
