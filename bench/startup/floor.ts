// The floor of any local start: the stack's own processes with no platform at all. The same
// artifacts the bricks rounds ran (each service's command, in its artifact dir, with the
// environment the daemon gives a replica), started by this script: every service at once but
// those with `depends_on` (the gateway), which start once those answer /readyz. Readiness is polled
// every 5 ms; there is no CLI, daemon, proxy, log capture or release check. Whatever a platform
// does, its start cannot be shorter than this on this machine.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { AUTH_VARIABLE, DISCOVERY_URL_VARIABLE } from '@bricks/sdk/platform-env';
import { artifactDir, readManifest } from '../../packages/bricks/src/artifacts/index.ts';
import { replicaEnvironment } from '../../packages/bricks/src/platform/daemon/environment.ts';
import { localSettings } from '../../packages/bricks/src/platform/local-defaults.ts';
import { freePort } from '../../packages/bricks/src/platform/runtime/ports.ts';
import { localBackingCommand } from '../../packages/bricks/src/platform/backing/index.ts';
import { connect } from 'node:net';
import type { Stack } from '../../packages/bricks/src/stack/index.ts';

const POLL_MS = 5;

function answersReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A backing service's readiness, as the daemon probes it: its port accepts a connection. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The last of a child's stderr, for the message when it exits before it is ready. */
function tailOf(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
  return () => tail.trim();
}

async function untilReady(port: number, child: ChildProcess, what: string, deadline: number, tcp = false): Promise<void> {
  const stderr = tailOf(child);
  while (!(await (tcp ? accepts(port) : answersReady(port)))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`floor: ${what} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`floor: ${what} was not ready within 60 s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * One start of `stack` from the artifacts named by `digests` (service → digest): milliseconds
 * from the first spawn until every replica answers /readyz. Every process is killed before it
 * returns, also when it fails.
 */
export async function floorStart(stack: Stack, digests: Readonly<Record<string, string>>): Promise<number> {
  const names = Object.keys(stack.services);
  const ports = new Map<string, number[]>();
  for (const name of names) {
    const service = stack.services[name];
    if (service === undefined) continue;
    const list: number[] = [];
    for (let i = 0; i < localSettings(service).replicas; i++) list.push(await freePort());
    ports.set(name, list);
  }
  // A service's address is its first replica: there is no proxy to balance.
  const addresses = Object.fromEntries([...ports].map(([name, list]) => [name, list[0] ?? 0]));
  const children: ChildProcess[] = [];
  const deadline = Date.now() + 60_000;
  const startService = async (name: string): Promise<void> => {
    const service = stack.services[name];
    const digest = digests[name];
    if (service === undefined || digest === undefined) throw new Error(`floor: no artifact for ${name}`);
    const dir = artifactDir(join(stack.dir, '.bricks', 'artifacts'), digest);
    // A backing service runs bricks' database server, as the daemon runs it (its artifact has no program).
    const backing = service.backing;
    const local = backing === undefined ? undefined : localBackingCommand(service, backing, join(stack.dir, '.bricks', 'data'));
    const [program, ...args] = local === undefined ? readManifest(dir).command : local.kind === 'argv' ? local.argv : ['sh', '-c', local.script];
    await Promise.all(
      (ports.get(name) ?? []).map((port, i) => {
        const env = replicaEnvironment({ stack, service, replica: `${name}.${i + 1}`, port, addresses, discoveryUrl: '' });
        // No daemon to ask: clients use the addresses above.
        delete env[DISCOVERY_URL_VARIABLE];
        // No daemon, so no development issuer (`issuer: local`) either: a loopback URL stands in.
        // Nothing asks it during a start (keys are fetched for the first token), so it need not answer.
        const auth = env[AUTH_VARIABLE];
        if (auth !== undefined && auth !== '') {
          const spec = JSON.parse(auth) as { issuer?: string };
          if (spec.issuer === 'local') env[AUTH_VARIABLE] = JSON.stringify({ ...spec, issuer: 'http://127.0.0.1:9/floor-issuer' });
        }
        // A backing service has no artifact directory of its own: it runs beside the stack, as the daemon runs it.
        const child = spawn(program === 'node' ? process.execPath : (program ?? ''), args, { cwd: backing === undefined ? dir : stack.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(child);
        return untilReady(port, child, `${name}.${i + 1}`, deadline, backing !== undefined);
      }),
    );
  };
  const started = performance.now();
  try {
    // Each service starts once every service it depends on is ready (a valid stack has no cycle).
    const ready = new Map<string, Promise<void>>();
    const readyOf = (name: string): Promise<void> => {
      let p = ready.get(name);
      if (p === undefined) {
        p = Promise.all((stack.services[name]?.dependsOn ?? []).map((d) => readyOf(d.service))).then(() => startService(name));
        ready.set(name, p);
      }
      return p;
    };
    await Promise.all(names.map(readyOf));
    return performance.now() - started;
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  }
}
