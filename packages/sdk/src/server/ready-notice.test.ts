// serve()'s ready notice, with a real process and pipe: READY=1 arrives once the replica
// answers /readyz, once per process however many services it serves, and the process's own
// children do not inherit the pipe's name.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { LOG_LEVEL_VARIABLE, NOTIFY_FD_VARIABLE, PORT_VARIABLE } from '../config/platform-env-names.js';

const SERVE = new URL('./serve.ts', import.meta.url).href;

// Two serve() calls on one port (an `x-bricks.group` process), then what a child would inherit.
const script = `
  const { serve } = await import(${JSON.stringify(SERVE)});
  const a = await serve({ services: [], host: '127.0.0.1', handleSignals: false });
  await serve({ services: [], host: '127.0.0.1', port: a.port, handleSignals: false });
  console.log(JSON.stringify({ port: a.port, inherited: process.env[${JSON.stringify(NOTIFY_FD_VARIABLE)}] ?? null }));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
`;

describe('ready notice', () => {
  it(`says READY=1 once, when /readyz answers 200, and takes ${NOTIFY_FD_VARIABLE} out of the environment`, { timeout: 20_000 }, async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, [PORT_VARIABLE]: '0', [LOG_LEVEL_VARIABLE]: 'silent', [NOTIFY_FD_VARIABLE]: '3' },
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    const notices: string[] = [];
    const noticed = new Promise<void>((resolve) =>
      createInterface({ input: child.stdio[3] as Readable }).on('line', (l) => {
        notices.push(l);
        resolve();
      }),
    );
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdio[1] as Readable }).once('line', resolve));
    const said = JSON.parse(first) as { port: number; inherited: string | null };
    await noticed;
    const ready = await fetch(`http://127.0.0.1:${said.port}/readyz`);
    assert.equal(ready.status, 200, 'ready when it said so');
    assert.equal(said.inherited, null, 'the variable is gone from process.env');
    child.stdin?.end();
    await new Promise((r) => child.once('exit', r));
    assert.deepEqual(notices, ['READY=1'], 'one notice for the process');
  });

  it('writes nothing when the descriptor is not a pipe (a stale variable)', { timeout: 20_000 }, async (t) => {
    // fd 3 is a regular file here: the notice must not land in it.
    const dir = mkdtempSync(join(tmpdir(), 'bricks-notice-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'not-a-pipe');
    const fd = openSync(file, 'w+');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, [PORT_VARIABLE]: '0', [LOG_LEVEL_VARIABLE]: 'silent', [NOTIFY_FD_VARIABLE]: '3' },
      stdio: ['pipe', 'pipe', 'inherit', fd],
    });
    t.after(() => child.kill('SIGKILL'));
    await new Promise<string>((resolve) => createInterface({ input: child.stdio[1] as Readable }).once('line', resolve));
    child.stdin?.end();
    await new Promise((r) => child.once('exit', r));
    assert.equal(readFileSync(file, 'utf8'), '');
  });
});
