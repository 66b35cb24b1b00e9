// The process driver and the reaper with real processes and signals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NOTIFY_FD_VARIABLE } from '@bricks/sdk/platform-env';
import { freePort, portIsFree, Reaper, signalGroup, spawnReplica, stopReplica } from './index.ts';
import type { ReplicaOutput } from './index.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const env = { PATH: process.env.PATH ?? '' };
const quiet: ReplicaOutput = { line: () => undefined, ready: () => undefined };

describe('process driver', () => {
  it('runs a command with its env and cwd, and reports its lines and exit', async () => {
    const lines: string[] = [];
    const child = await spawnReplica(
      { command: { kind: 'shell', script: 'echo "port=$PORT"; pwd; echo oops >&2; exit 3' }, env: { ...env, PORT: '4321' }, cwd: tmpdir() },
      { line: (stream, line) => lines.push(`${stream}:${line}`), ready: () => undefined },
    );
    const exit = await child.exited;
    assert.deepEqual(exit, { code: 3, signal: null });
    await until('lines', () => lines.length === 3);
    assert.deepEqual(lines.sort(), [`stdout:${tmpdir()}`, 'stderr:oops', 'stdout:port=4321'].sort());
  });

  it(`reports the ready notice a process writes to ${NOTIFY_FD_VARIABLE}, and names the fd to it`, async () => {
    let notices = 0;
    const said: string[] = [];
    const script = `const fs = require("fs"); const fd = Number(process.env.${NOTIFY_FD_VARIABLE}); console.log("fd=" + fd); fs.writeSync(fd, "NOISE\\nREADY=1\\n"); fs.closeSync(fd)`;
    const child = await spawnReplica(
      { command: { kind: 'argv', argv: [process.execPath, '-e', script] }, env, cwd: tmpdir() },
      { line: (_s, l) => said.push(l), ready: () => notices++ },
    );
    assert.deepEqual(await child.exited, { code: 0, signal: null });
    await until('the notice', () => notices > 0);
    assert.deepEqual(said, ['fd=3']);
    assert.equal(notices, 1, 'only READY=1 counts as a notice');
  });

  it('rejects a command that cannot start, naming it', async () => {
    await assert.rejects(spawnReplica({ command: { kind: 'argv', argv: ['/no/such/program'] }, env, cwd: tmpdir() }, quiet), {
      code: 'spawn-failed',
      message: /could not start \/no\/such\/program/,
    });
  });

  it('stops gracefully with SIGTERM, and kills after the grace period when ignored', async () => {
    const polite = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '30'] }, env, cwd: tmpdir() }, quiet);
    assert.deepEqual(await stopReplica(polite, 5000), { code: null, signal: 'SIGTERM' });

    const said: string[] = [];
    const stubborn = await spawnReplica(
      { command: { kind: 'argv', argv: [process.execPath, '-e', 'process.on("SIGTERM",()=>{}); console.log("up"); setInterval(()=>{},1000)'] }, env, cwd: tmpdir() },
      { line: (_stream, line) => said.push(line), ready: () => undefined },
    );
    await until('its SIGTERM handler is installed', () => said.includes('up'));
    assert.deepEqual(await stopReplica(stubborn, 200), { code: null, signal: 'SIGKILL' });
  });

  it('a stopped (SIGSTOP) process still stops on SIGTERM without waiting out the grace', async () => {
    const child = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '30'] }, env, cwd: tmpdir() }, quiet);
    signalGroup(child.pid, 'SIGSTOP');
    const exit = await stopReplica(child, 10_000);
    assert.equal(exit.signal, 'SIGTERM');
  });

  it('stops the children of a shell command too (process group)', async () => {
    const lines: string[] = [];
    const child = await spawnReplica({ command: { kind: 'shell', script: 'sleep 30 & echo $!; wait' }, env, cwd: tmpdir() }, { line: (_s, l) => lines.push(l), ready: () => undefined });
    await until('grandchild pid', () => lines.length > 0);
    const grandchild = Number(lines[0]);
    assert.ok(alive(grandchild));
    await stopReplica(child, 2000);
    await until('grandchild gone', () => !alive(grandchild));
  });

  it('hands out free ports', async () => {
    const port = await freePort();
    assert.ok(port > 0);
    assert.equal(await portIsFree(port), true);
  });
});

describe('reaper', () => {
  it('lists every group even when replicas are added at the same time', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bricks-reaper-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'groups');
    const reaper = new Reaper(file);
    const groups = Array.from({ length: 30 }, (_, i) => 1_000_000 + i); // not real pids: never signalled here
    await Promise.all(groups.map((g) => reaper.add(g)));
    const listed = readFileSync(file, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]));
    assert.deepEqual(listed.sort(), groups);
    await Promise.all(groups.slice(0, 10).map((g) => reaper.remove(g)));
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 20);
  });

  it('kills the replicas of a daemon that died by kill -9', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bricks-reaper-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // A stand-in daemon: starts a reaper and one replica, prints the replica's pid, then waits.
    const script = `
      const { Reaper, spawnReplica } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)});
      const reaper = new Reaper(${JSON.stringify(join(dir, 'groups'))});
      await reaper.start();
      const child = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '60'] }, env: { PATH: process.env.PATH }, cwd: '/' }, { line: () => {}, ready: () => {} });
      await reaper.add(child.pid);
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `;
    const daemon = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => daemon.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve) => daemon.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    assert.ok(alive(pid), 'replica runs');
    t.after(() => signalGroup(pid, 'SIGKILL'));
    daemon.kill('SIGKILL');
    await until('replica reaped after the daemon died', () => !alive(pid));
  });
});
