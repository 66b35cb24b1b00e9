// SIGTERM during load: a replica (a real child process) that is told to stop turns not-ready,
// keeps serving until the platform has taken it out of the endpoint list, finishes its calls
// and exits within its grace period, while the callers see zero failed calls.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { DRAIN_DELAY_MS_VARIABLE, DISCOVERY_URL_VARIABLE, LOG_LEVEL_VARIABLE, PORT_VARIABLE, REPLICA_VARIABLE, SERVICE_VARIABLE, STOP_GRACE_MS_VARIABLE } from '@bricks/sdk/platform-env';
import { client, closeClients, closeDiscovery } from '../packages/sdk/src/index.ts';
import { EchoService } from '../packages/sdk/src/testing/echo-service.ts';
import { fakeDiscovery, until } from '../packages/sdk/src/testing/fake-discovery.ts';

const main = new URL('../packages/sdk/src/testing/echo-main.ts', import.meta.url).pathname;

interface Replica {
  readonly id: string;
  readonly child: ChildProcess;
  readonly url: string;
}

async function startReplica(id: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      [PORT_VARIABLE]: '0',
      [SERVICE_VARIABLE]: 'echo',
      [REPLICA_VARIABLE]: id,
      [DRAIN_DELAY_MS_VARIABLE]: '300',
      [STOP_GRACE_MS_VARIABLE]: '5000',
      [LOG_LEVEL_VARIABLE]: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code} before serving`)));
    lines.on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; port?: number };
        if (rec.msg === 'serving' && rec.port) resolve(rec.port);
      } catch {
        // not a log line
      }
    });
  });
  return { id, child, url: `http://127.0.0.1:${port}` };
}

test('SIGTERM during load: zero failed calls, clean exit within the grace period', async (t) => {
  const replicas = await Promise.all(['echo.1', 'echo.2', 'echo.3'].map(startReplica));
  t.after(() => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  });
  const list = (rs: readonly Replica[]) => ({ echo: { endpoints: rs.map((r) => ({ id: r.id, url: r.url })) } });
  const fake = await fakeDiscovery(list(replicas));
  t.after(async () => {
    await closeClients();
    closeDiscovery();
    await fake.close();
  });

  let live = [...replicas];
  for (const [protocol, victim] of [['connect', replicas[0]!], ['fast', replicas[1]!]] as const) {
    const echo = client(EchoService, { target: 'echo', protocol, inProcess: false, env: { [DISCOVERY_URL_VARIABLE]: fake.url } });
    const answered = new Map<string, number>();
    const failures: string[] = [];
    let calls = 0;
    let stop = false;
    const worker = async (n: number): Promise<void> => {
      while (!stop) {
        calls++;
        try {
          // Half of the traffic is not idempotent: it may only be retried if it never arrived.
          const r = n % 2 === 0 ? await echo.sleep({ ms: 15 }) : await echo.echo({ text: 'x' });
          if ('replica' in r) answered.set(r.replica, (answered.get(r.replica) ?? 0) + 1);
          if (n % 4 === 1) await echo.count({ key: 'k' });
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, i) => worker(i));
    // However this phase ends, its load stops: a failed wait must not leave callers looping.
    const seen = (): string => `answered ${JSON.stringify(Object.fromEntries(answered))} of ${calls} calls; failures: ${JSON.stringify(failures.slice(0, 3))}`;
    try {
      await until(`${protocol}: every replica answers`, () => live.every((r) => (answered.get(r.id) ?? 0) > 0), 10_000).catch((e: unknown) => {
        throw new Error(`${String(e)} (${seen()})`);
      });

      const exited = once(victim.child, 'exit') as Promise<[number | null, string | null]>;
      victim.child.kill('SIGTERM');
      // The platform's part: probe readiness, and take the replica out of the list once it fails.
      await until(`${protocol}: ${victim.id} turns not ready`, async () => {
        const res = await fetch(`${victim.url}/readyz`).catch(() => undefined);
        return res?.status === 503;
      });
      live = live.filter((r) => r !== victim);
      fake.set(list(live));
      const [code] = await exited;
      const callsAfter = calls;
      await until(`${protocol}: load goes on`, () => calls > callsAfter + 50);
      assert.equal(code, 0, `${victim.id} exited cleanly`);
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    assert.deepEqual(failures, [], `${protocol}: no call failed`);
  }
});
