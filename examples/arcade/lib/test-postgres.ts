// For arcade's tests: a real PostgreSQL wire server on a free loopback port, the one bricks runs
// for a backing service locally (PGlite behind the wire protocol), on a fresh data directory.
// Stopped, and its directory removed, by the returned stop() (call it in an after hook).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/** bricks' server program: its source in a checkout, its build in an installed package. */
function serverProgram(): string {
  const root = dirname(createRequire(import.meta.url).resolve('bricks/package.json'));
  const source = join(root, 'src', 'platform', 'backing', 'postgres-server.mjs');
  return existsSync(source) ? source : join(root, 'dist', 'postgres-server.mjs');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startTestPostgres(database = 'arcade'): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'arcade-pg-'));
  const port = await freePort();
  const child = spawn(process.execPath, [serverProgram(), '--engine', 'embedded', '--data', dir, '--database', database], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  // It listens once the database answers; PGlite's first start (an initdb) takes seconds.
  const deadline = Date.now() + 60_000;
  while (!/ready on/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the test PostgreSQL did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, stop };
}
