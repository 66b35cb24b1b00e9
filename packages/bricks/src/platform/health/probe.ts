// One probe of one replica: HTTP GET, TCP connect, or a command, each bounded by a timeout.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Command, Probe } from '../../stack/model.ts';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** For exec probes: the replica's own environment and directory, like a container's. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface ProbeResult {
  readonly ok: boolean;
  /** Why it failed, for logs and `ps`. */
  readonly detail: string;
}

const OK: ProbeResult = { ok: true, detail: '' };
const fail = (detail: string): ProbeResult => ({ ok: false, detail });

export async function runProbe(probe: Probe, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'none':
      return OK;
    case 'http':
      return httpProbe(target, probe.path, timeoutMs);
    case 'tcp':
      return tcpProbe(target, timeoutMs);
    case 'exec':
      return execProbe(probe.command, target, timeoutMs);
  }
}

function httpProbe(target: ProbeTarget, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    // No keep-alive: a stopped or hung process must fail the probe, not a pooled socket.
    const req = request({ host: target.host, port: target.port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      // Kubernetes' httpGet rule: 200-399 is healthy.
      resolve(status >= 200 && status < 400 ? OK : fail(`GET ${path} answered ${status}`));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(fail(`GET ${path} timed out after ${timeoutMs}ms`));
    });
    req.on('error', (err) => resolve(fail(`GET ${path}: ${err.message}`)));
    req.end();
  });
}

function tcpProbe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(fail(`connect timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(OK);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve(fail(`connect: ${err.message}`));
    });
  });
}

function execProbe(command: Command, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const [file, ...args] = command.kind === 'argv' ? command.argv : ['/bin/sh', '-c', command.script];
  if (file === undefined) return Promise.resolve(fail('empty healthcheck command'));
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: target.cwd, env: { ...target.env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 500) stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      // The probe's own group: a shell healthcheck's children die with it.
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      resolve(fail(`healthcheck timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(fail(`healthcheck could not run: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? OK : fail(`healthcheck exited ${code}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
