// End-to-end helpers: a throw-away project directory with a stack file, the real `bricks` CLI
// run against it, and a cleanup that leaves no process behind even when the test fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const BIN = new URL('../../packages/bricks/bin/bricks.js', import.meta.url).pathname;
export const ECHO = new URL('../fixtures/echo-service.mjs', import.meta.url).pathname;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Project {
  /** Added to the environment of every `bricks` the project runs. */
  env: Record<string, string> = {};

  constructor(readonly dir: string) {}

  get file(): string {
    return join(this.dir, 'bricks.yaml');
  }

  write(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  bricks(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: this.dir, env: { ...process.env, NO_COLOR: '1', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  }

  async ps(): Promise<PsDoc> {
    const r = await this.bricks('ps', '--json');
    if (r.code !== 0) throw new Error(`bricks ps failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as PsDoc;
  }

  daemonPid(): number | null {
    try {
      return (JSON.parse(readFileSync(join(this.dir, '.bricks', 'daemon.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return null;
    }
  }

  /** Every pid the platform started that may still run: replicas (with their groups) and the daemon. */
  groups(): number[] {
    try {
      return readFileSync(join(this.dir, '.bricks', 'run', 'groups'), 'utf8')
        .split('\n')
        .map((l) => Number(l.split(' ')[0]))
        .filter((n) => n > 0);
    } catch {
      return [];
    }
  }
}

export interface PsReplica {
  readonly name: string;
  readonly id: string;
  readonly pid: number | null;
  readonly port: number | null;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
}
export interface PsService {
  readonly name: string;
  readonly address: string;
  /** The artifact's digest when it runs a release; a digest of its config when it runs sources. */
  readonly version: string;
  readonly desired: number;
  readonly ready: number;
  readonly condition: string;
  readonly restarts: number;
  readonly replicas: readonly PsReplica[];
}
export interface PsDoc {
  readonly services: readonly PsService[];
}

/** A temp project; on test end: `bricks down`, then SIGKILL of anything it left, then rm. */
export function project(t: TestContext, stackYaml: string): Project {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-e2e-'));
  const p = new Project(dir);
  p.write('bricks.yaml', stackYaml);
  cleanUpAfter(t, p);
  return p;
}

/**
 * On test end: `bricks down`, then SIGKILL of every daemon and replica group the project was
 * seen to run (even if it failed), then the project folder goes.
 */
export function cleanUpAfter(t: TestContext, p: Project): void {
  const seen = new Set<number>();
  const remember = (): void => {
    for (const g of p.groups()) seen.add(g);
    const d = p.daemonPid();
    if (d !== null) seen.add(d);
  };
  const timer = setInterval(remember, 100);
  t.after(async () => {
    clearInterval(timer);
    remember();
    if (p.daemonPid() !== null) await p.bricks('down', '--timeout', '30');
    for (const pid of seen) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
    rmSync(p.dir, { recursive: true, force: true });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function get(url: string, agent?: Agent, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: agent ?? false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly replicas: ReadonlyMap<string, number>;
}

/** Successful requests so far, readable while the load runs (to wait for it to flow). */
export interface LoadProgress {
  ok: number;
}

const STEADY_LOAD_TIMEOUT_MS = 10_000;

/** A steady stream of GETs from `concurrency` keep-alive clients until `stop` resolves. */
export async function steadyLoad(url: string, concurrency: number, stop: Promise<void>, progress: LoadProgress = { ok: 0 }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let done = false;
  void stop.then(() => (done = true));
  let ok = 0;
  let failed = 0;
  const errors: string[] = [];
  const replicas = new Map<string, number>();
  const worker = async (): Promise<void> => {
    while (!done) {
      try {
        // Past the longest deadline a stack under test gives a call (arcade's gateway: 5 s to
        // catalog), so that a slow answer is seen as the stack's 504, not as this client giving up.
        const r = await get(url, agent, STEADY_LOAD_TIMEOUT_MS);
        if (r.status === 200) {
          ok++;
          progress.ok++;
          const replica = (JSON.parse(r.body) as { replica: string }).replica;
          replicas.set(replica, (replicas.get(replica) ?? 0) + 1);
        } else {
          failed++;
          errors.push(`${r.status} ${r.body.slice(0, 200)}`);
        }
      } catch (err) {
        failed++;
        errors.push(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { ok, failed, errors, replicas };
}

export function stackOf(services: Record<string, { replicas?: number; env?: Record<string, string>; extra?: string }>): string {
  const lines = ['services:'];
  for (const [name, s] of Object.entries(services)) {
    lines.push(`  ${name}:`);
    lines.push(`    x-bricks:`);
    lines.push(`      run: ["${process.execPath}", "${ECHO}"]`);
    lines.push(`      health: { ready: /readyz, live: /healthz }`);
    lines.push(`    deploy:`);
    lines.push(`      replicas: ${s.replicas ?? 1}`);
    if (s.env !== undefined) {
      lines.push(`    environment:`);
      for (const [k, v] of Object.entries(s.env)) lines.push(`      ${k}: "${v}"`);
    }
    if (s.extra !== undefined) lines.push(s.extra);
  }
  return `${lines.join('\n')}\n`;
}
