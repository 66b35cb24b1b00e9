// Child processes of the proxy benchmark: start one, wait for the port it prints, read its CPU
// time from /proc, and always stop it by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Child start-up budget: tsx compiles on first run, which takes a few seconds on a busy box. */
const startTimeoutMs = 20_000;

/** Spawns a command (optionally under `taskset -c cpus`) and waits for it to print {"port":N}. */
export async function startChild(argv: readonly string[], what: string, cpus?: string): Promise<{ child: Child; port: number }> {
  const full = cpus === undefined ? argv : ['taskset', '-c', cpus, ...argv];
  const proc = spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const child: Child = {
    process: proc,
    pid: proc.pid ?? -1,
    stop: () => stopChild(proc),
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited with ${code} before listening`));
      });
      createInterface({ input: proc.stdout }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    return { child, port };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Spawns a server that prints nothing when ready (nginx) and waits until `ports` accept. */
export async function startProcess(argv: readonly string[], what: string, ports: readonly number[]): Promise<Child> {
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const child: Child = { process: proc, pid: proc.pid ?? -1, stop: () => stopChild(proc) };
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (const port of ports) {
      while (!(await accepts(port))) {
        if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
        if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${startTimeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return child;
  } catch (err) {
    await child.stop();
    throw err;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export function nodeArgv(file: string, args: readonly string[]): string[] {
  return [process.execPath, '--import', 'tsx', new URL(file, import.meta.url).pathname, ...args];
}

function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux build we run on. */
const clockTicks = 100;

/** User+system CPU seconds used so far by a process and its direct children. */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / clockTicks;
    } catch {
      // The process is gone; it used nothing more.
    }
  }
  return total;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/u)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}
