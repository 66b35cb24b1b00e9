// Runs replicas as child processes. Each replica leads its own process group so a stop
// reaches a shell's children too; output arrives line by line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from '../../stack/model.ts';
import { RuntimeError } from './errors.ts';
import type { Exit, ReplicaOutput } from './port.ts';
import { NOTIFY_FD, NOTIFY_FD_VARIABLE, onReadyNotice } from './ready-notice.ts';

export interface SpawnSpec {
  readonly command: Command;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface ChildReplica {
  readonly pid: number;
  readonly exited: Promise<Exit>;
}

export function argvOf(command: Command): readonly string[] {
  return command.kind === 'argv' ? command.argv : ['/bin/sh', '-c', command.script];
}

/** Starts the process; resolves once it is running, rejects if it could not be started. Its ready notice: ready-notice.ts. */
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
 * SIGTERM, and SIGCONT so that a stopped (SIGSTOP) process can act on it instead of sitting
 * out the whole grace period. Resolves when the leader has exited, and takes any straggler of
 * its group with it. How long to wait before `killGroup` is the caller's grace period.
 */
export async function askToStop(child: ChildReplica): Promise<Exit> {
  signalGroup(child.pid, 'SIGTERM');
  signalGroup(child.pid, 'SIGCONT');
  const exit = await child.exited;
  signalGroup(child.pid, 'SIGKILL');
  return exit;
}

/** SIGKILL to the whole group; resolves when the leader has exited. */
export async function killGroup(child: ChildReplica): Promise<Exit> {
  signalGroup(child.pid, 'SIGKILL');
  return child.exited;
}
