// The process driver and the reaper with real processes and signals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NOTIFY_FD_VARIABLE } from '@bricks/sdk/platform-env';
import { askToStop, freePort, killGroup, portIsFree, ProcessRuntime, Reaper, signalGroup, spawnReplica } from './index.ts';
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

  it('asks to stop with SIGTERM, and kills a process that ignores it', async () => {
    const polite = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '30'] }, env, cwd: tmpdir() }, quiet);
    assert.deepEqual(await askToStop(polite), { code: null, signal: 'SIGTERM' });

    const said: string[] = [];
    const stubborn = await spawnReplica(
      { command: { kind: 'argv', argv: [process.execPath, '-e', 'process.on("SIGTERM",()=>{}); console.log("up"); setInterval(()=>{},1000)'] }, env, cwd: tmpdir() },
      { line: (_stream, line) => said.push(line), ready: () => undefined },
    );
    await until('its SIGTERM handler is installed', () => said.includes('up'));
    const asked = askToStop(stubborn);
    // It traps SIGTERM, so only the kill ends it, and the ask resolves with that exit.
    assert.deepEqual(await killGroup(stubborn), { code: null, signal: 'SIGKILL' });
    assert.deepEqual(await asked, { code: null, signal: 'SIGKILL' });
  });

  it('a stopped (SIGSTOP) process still stops when asked', async () => {
    const child = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '30'] }, env, cwd: tmpdir() }, quiet);
    signalGroup(child.pid, 'SIGSTOP');
    const exit = await askToStop(child);
    assert.equal(exit.signal, 'SIGTERM');
  });

  it('stops the children of a shell command too (process group)', async () => {
    const lines: string[] = [];
    const child = await spawnReplica({ command: { kind: 'shell', script: 'sleep 30 & echo $!; wait' }, env, cwd: tmpdir() }, { line: (_s, l) => lines.push(l), ready: () => undefined });
    await until('grandchild pid', () => lines.length > 0);
    const grandchild = Number(lines[0]);
    assert.ok(alive(grandchild));
    await askToStop(child);
    await until('grandchild gone', () => !alive(grandchild));
  });

  it('hands out free ports', async () => {
    const port = await freePort();
    assert.ok(port > 0);
    assert.equal(await portIsFree(port), true);
  });
});

describe('process runtime', () => {
  /** A group list that says what it holds. */
  function listed(): { groups: Set<number>; add(pgid: number): Promise<void>; remove(pgid: number): Promise<void> } {
    const groups = new Set<number>();
    return { groups, add: async (g) => void groups.add(g), remove: async (g) => void groups.delete(g) };
  }

  it('prepares a port, starts with the env, lists the group while it runs, and shuts it down', async () => {
    const groups = listed();
    const lines: string[] = [];
    const runtime = new ProcessRuntime(groups);
    const controller = runtime.controller(
      { id: 'api.1#1', command: { kind: 'shell', script: 'echo "port=$PORT"; exec sleep 30' }, cwd: tmpdir() },
      { line: (_s, l) => lines.push(l), ready: () => undefined },
    );
    const { port } = await controller.prepare();
    assert.ok(port > 0);
    const { pid } = await controller.start({ ...env, PORT: String(port) });
    assert.deepEqual([...groups.groups], [pid], 'listed with the reaper while it runs');
    await until('its output', () => lines.length > 0);
    assert.deepEqual(lines, [`port=${port}`]);
    await controller.shutdown();
    assert.deepEqual(await controller.wait(), { code: null, signal: 'SIGTERM' });
    assert.deepEqual([...groups.groups], [], 'let go once it exited');
  });

  it('terminates a replica that ignores the ask, and reports a start that failed', async () => {
    const groups = listed();
    const runtime = new ProcessRuntime(groups);
    const said: string[] = [];
    const stubborn = runtime.controller(
      { id: 'api.1#1', command: { kind: 'argv', argv: [process.execPath, '-e', 'process.on("SIGTERM",()=>{}); console.log("up"); setInterval(()=>{},1000)'] }, cwd: tmpdir() },
      { line: (_s, l) => said.push(l), ready: () => undefined },
    );
    await stubborn.start(env);
    await until('its SIGTERM handler is installed', () => said.includes('up'));
    const asked = stubborn.shutdown();
    await stubborn.terminate();
    await asked;
    assert.deepEqual(await stubborn.wait(), { code: null, signal: 'SIGKILL' });
    assert.equal(groups.groups.size, 0);

    const missing = runtime.controller({ id: 'api.2#2', command: { kind: 'argv', argv: ['/no/such/program'] }, cwd: tmpdir() }, quiet);
    await assert.rejects(missing.start(env), { code: 'spawn-failed' });
    assert.equal(groups.groups.size, 0, 'nothing listed for a process that never ran');
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
      const reaper = new Reaper(${JSON.stringify(join(dir, 'groups'))}, ${JSON.stringify(join(dir, 'secrets'))});
      await reaper.start();
      const child = await spawnReplica({ command: { kind: 'argv', argv: ['sleep', '60'] }, env: { PATH: process.env.PATH }, cwd: '/' }, { line: () => {}, ready: () => {} });
      await reaper.add(child.pid);
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `;
    mkdirSync(join(dir, 'secrets', 'api#1'), { recursive: true });
    writeFileSync(join(dir, 'secrets', 'api#1', 'db_password'), 'pw');
    const daemon = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => daemon.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve) => daemon.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    assert.ok(alive(pid), 'replica runs');
    t.after(() => signalGroup(pid, 'SIGKILL'));
    daemon.kill('SIGKILL');
    await until('replica reaped after the daemon died', () => !alive(pid));
    await until("the replicas' secret files removed with them", () => !existsSync(join(dir, 'secrets')));
  });
});
