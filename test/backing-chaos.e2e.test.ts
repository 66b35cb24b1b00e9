// No pets: arcade on the local platform, with its PostgreSQL as a backing service, under steady
// reads and writes through the gateway while replicas die. Three measures of the issue:
//  1. kill -9 of random app replicas (gateway, catalog, scores, analytics) 20+ times: no read
//     fails, and every game whose creation was acknowledged can be read back;
//  2. kill -9 of the data server: it comes back with every acknowledged write;
//  3. a rolling update of catalog (bricks restart) under reads: no read fails.
// Real processes, real sockets, bounded load on loopback (two readers, one writer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json } from './helpers/arcade-checks.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { alive, get, steadyLoad, until, type PsDoc } from './helpers/bricks.ts';

/** The kills of step 1: the issue asks for 20 or more. */
const KILLS = 24;
/** Between kills: the 1.5 s, a replica's restart (100 ms back-off, ~1 s to ready) fits in it. */
const KILL_EVERY_MS = 1500;
const APP_SERVICES = ['gateway', 'catalog', 'scores', 'analytics'] as const;

interface Writer {
  readonly acknowledged: string[];
  readonly failures: string[];
  stop(): Promise<void>;
}

/** Creates games one after another until stopped; an acknowledged one is a 201 with its id. */
function startWriter(gw: string, token: string): Writer {
  const acknowledged: string[] = [];
  const failures: string[] = [];
  let stopping = false;
  let n = 0;
  const loop = (async () => {
    while (!stopping) {
      try {
        const r = await json('POST', `${gw}/api/games`, { title: `Chaos ${n++}`, genre: 'chaos' }, { authorization: `Bearer ${token}` });
        const id = (r.body as { game?: { id?: string } }).game?.id;
        if (r.status === 201 && id !== undefined) acknowledged.push(id);
        else failures.push(`${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
      } catch (err) {
        failures.push(String(err));
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  return {
    acknowledged,
    failures,
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

function readyPids(doc: PsDoc, service: string): number[] {
  return (doc.services.find((s) => s.name === service)?.replicas ?? []).filter((r) => r.ready && r.pid != null).map((r) => r.pid!);
}

async function allReady(p: ReturnType<typeof arcadeCopy>, what: string): Promise<PsDoc> {
  return until(what, async () => {
    const doc = await p.ps();
    return doc.services.filter((s) => s.name !== 'thumbnails').every((s) => s.ready === s.desired && s.replicas.every((r) => r.ready)) ? doc : undefined;
  }, 60_000);
}

/** Every acknowledged game answers 200 (read one by one: the list is paged). */
async function unreadable(gw: string, ids: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const id of ids) {
    const r = await get(`${gw}/api/games/${id}`, undefined, 10_000);
    if (r.status !== 200) missing.push(`${id}: ${r.status} ${r.body.slice(0, 120)}`);
  }
  return missing;
}

test('arcade without pets: app replicas and the database killed with SIGKILL, and a rolling update, under reads and writes', { timeout: 600_000 }, async (t) => {
  const p = arcadeCopy(t);
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const gw = (await p.ps()).services.find((s) => s.name === 'gateway')!.address;
  const tokenRun = await p.bricks('token', '--sub', 'chaos', '--scope', 'games:write');
  assert.equal(tokenRun.code, 0, tokenRun.stderr);
  const token = tokenRun.stdout.trim();
  const readUrl = `${gw}/api/games/tetra`;

  await t.test(`${KILLS} kill -9 of random app replicas: no read fails, every acknowledged write reads back`, async () => {
    let stopReads!: () => void;
    const reads = steadyLoad(readUrl, 2, new Promise<void>((r) => (stopReads = r)));
    const writer = startWriter(gw, token);
    const killed: string[] = [];
    try {
      await until('reads flowing', async () => (await get(readUrl)).status === 200);
      while (killed.length < KILLS) {
        const doc = await p.ps();
        // Cattle are killed while the herd has another: a service with one ready replica left
        // has just lost one, and is given the time to bring it back.
        const candidates = APP_SERVICES.flatMap((s) => (readyPids(doc, s).length >= 2 ? readyPids(doc, s).map((pid) => ({ service: s, pid })) : []));
        const victim = candidates[Math.floor(Math.random() * candidates.length)];
        if (victim !== undefined && alive(victim.pid)) {
          process.kill(victim.pid, 'SIGKILL');
          killed.push(victim.service);
        }
        await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
      }
      await allReady(p, 'every service back at its replicas');
    } finally {
      stopReads();
      await writer.stop();
    }
    const result = await reads;
    const counts = APP_SERVICES.map((s) => `${s} ${killed.filter((k) => k === s).length}`).join(', ');
    t.diagnostic(`kills: ${counts}; reads ${result.ok} ok, ${result.failed} failed; writes ${writer.acknowledged.length} acknowledged, ${writer.failures.length} failed ${JSON.stringify(writer.failures.slice(0, 3))}`);
    assert.equal(killed.length, KILLS);
    assert.ok(result.ok > 100, `reads flowed (${result.ok})`);
    assert.equal(result.failed, 0, `failed reads: ${JSON.stringify(result.errors.slice(0, 5))}`);
    assert.ok(writer.acknowledged.length > 20, `writes flowed (${writer.acknowledged.length})`);
    assert.deepEqual(await unreadable(gw, writer.acknowledged), [], 'acknowledged games that cannot be read');
  });

  await t.test('kill -9 of the data server: it comes back with every acknowledged write', async () => {
    const writer = startWriter(gw, token);
    try {
      await until('writes acknowledged', () => writer.acknowledged.length >= 10, 30_000);
      const [pid] = readyPids(await p.ps(), 'db');
      assert.ok(pid !== undefined && alive(pid), 'db runs');
      process.kill(pid, 'SIGKILL');
      await until('db back, another process', async () => {
        const pids = readyPids(await p.ps(), 'db');
        return pids.length === 1 && pids[0] !== pid;
      }, 60_000);
      const after = writer.acknowledged.length;
      await until('writes acknowledged again', () => writer.acknowledged.length >= after + 10, 30_000);
    } finally {
      await writer.stop();
    }
    t.diagnostic(`writes ${writer.acknowledged.length} acknowledged, ${writer.failures.length} failed while the database restarted ${JSON.stringify(writer.failures.slice(0, 2))}`);
    assert.deepEqual(await unreadable(gw, writer.acknowledged), [], 'acknowledged games lost with the database process');
  });

  await t.test('a rolling update of catalog under reads: every replica replaced, no read fails', async () => {
    const before = readyPids(await p.ps(), 'catalog');
    assert.equal(before.length, 2);
    let stopReads!: () => void;
    const reads = steadyLoad(readUrl, 2, new Promise<void>((r) => (stopReads = r)));
    try {
      await until('reads flowing', async () => (await get(readUrl)).status === 200);
      const restart = await p.bricks('restart', 'catalog');
      assert.equal(restart.code, 0, restart.stderr);
      await until('both catalog replicas replaced and ready', async () => {
        const now = readyPids(await p.ps(), 'catalog');
        return now.length === 2 && now.every((pid) => !before.includes(pid));
      }, 60_000);
      // Reads go on a moment past the rollout: the old replicas' drain is over too.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      stopReads();
    }
    const result = await reads;
    t.diagnostic(`reads during the rollout: ${result.ok} ok, ${result.failed} failed`);
    assert.ok(result.ok > 20, `reads flowed (${result.ok})`);
    assert.equal(result.failed, 0, JSON.stringify(result.errors.slice(0, 5)));
  });
});
