// Autoscaling: how soon a load step gets an added replica serving traffic, and how soon a
// service at zero answers its first call (beside the same service's bare process start, in the
// same run). References, not run here (no cluster on this machine): Kubernetes' HPA syncs every
// 15 s and then starts a pod; KEDA polls every 30 s; Knative reports cold starts of about 2-4 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactDir, readManifest } from '../../packages/bricks/src/artifacts/index.ts';
import { replicaEnvironment } from '../../packages/bricks/src/platform/daemon/environment.ts';
import { freePort } from '../../packages/bricks/src/platform/runtime/ports.ts';
import { loadStack } from '../../packages/bricks/src/stack/index.ts';
import { ECHO, Project, get } from '../../test/helpers/bricks.ts';
import { arcadeCopy } from '../engines/arcade-copy.ts';
import { median } from '../rolling/shared.ts';
import type { BenchSuite } from '../suite.ts';

/** Rounds per measure: BRICKS_BENCH_ROUNDS changes it. */
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 5);

const fmt = (xs: readonly number[]): string => `${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;

/** A 2×2 binary PPM: the smallest cover thumbnails crops. */
const PPM = Buffer.concat([Buffer.from('P6\n2 2\n255\n', 'latin1'), Buffer.alloc(12, 200)]);
const CROP = JSON.stringify({ image: PPM.toString('base64'), contentType: 'image/x-portable-pixmap', width: 1, height: 1 });

/** One Connect JSON call to thumbnails' Crop; the status, and the cold-start header if any. */
function crop(base: string): Promise<{ status: number; cold: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/arcade.v1.ThumbnailsService/Crop`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cold: res.headers['x-bricks-cold-start'] as string | undefined }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(CROP);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A load step on an autoscaled plain service: the time until a replica that was not running serves a request. */
async function loadStep(progress: (line: string) => void): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-autoscale-'));
  const p = new Project(dir);
  writeFileSync(p.file, [
    'services:',
    '  api:',
    '    x-bricks:',
    `      run: ["${process.execPath}", "${ECHO}"]`,
    '      health: { ready: /readyz, live: /healthz }',
    '      autoscale: { min: 1, max: 4, concurrency: 2 }',
    '',
  ].join('\n'));
  const times: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const up = await p.bricks('up', '-d', '--wait', '60');
      if (up.code !== 0) throw new Error(`bricks up failed: ${up.stderr}`);
      const svc = (await p.ps()).services[0]!;
      const first = svc.replicas[0]!.name;
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      let stop = false;
      let newAt = 0;
      const started = Date.now();
      // 8 clients, each request held 200 ms: 8 in flight for a target of 2 asks for 4 replicas.
      const worker = async (): Promise<void> => {
        while (!stop) {
          const r = await get(`${svc.address}/?delay=200`, agent).catch(() => null);
          if (r?.status === 200 && newAt === 0 && (JSON.parse(r.body) as { replica: string }).replica !== first) newAt = Date.now();
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await until('an added replica to serve', async () => (newAt !== 0 ? true : undefined), 30_000).finally(() => (stop = true));
      await Promise.all(workers);
      agent.destroy();
      times.push(newAt - started);
      progress(`load step round ${round}: an added replica served after ${newAt - started} ms`);
      const down = await p.bricks('down', '--timeout', '30');
      if (down.code !== 0) throw new Error(`bricks down failed: ${down.stderr}`);
    }
  } finally {
    await p.bricks('down');
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** thumbnails from zero to its first answer through its address; and its artifact started bare, to its first answer. */
async function coldStart(progress: (line: string) => void): Promise<{ platform: number[]; header: number[]; bare: number[] }> {
  const copy = await arcadeCopy('coldstart', { databases: false });
  const stackText = [
    `name: ${copy.name}`,
    'services:',
    '  thumbnails:',
    '    x-bricks:',
    '      run: node --import tsx services/thumbnails/main.ts',
    '      health: { ready: /readyz, live: /healthz }',
    '      autoscale: { min: 0, max: 1, idle: 1s }',
    '',
  ].join('\n');
  writeFileSync(copy.file, stackText);
  const p = new Project(copy.dir);
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=bench', '-c', 'user.email=bench@bricks.invalid', 'commit', '-qm', 'bench']]) {
    await new Promise<void>((resolve, reject) => spawn('git', args, { cwd: copy.dir, stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`git ${args[0]} failed`)))));
  }
  const platform: number[] = [];
  const header: number[] = [];
  const bare: number[] = [];
  try {
    const up = await p.bricks('up', '-d', '--wait', '120');
    if (up.code !== 0) throw new Error(`bricks up failed: ${up.stdout}\n${up.stderr}`);
    const svc = (await p.ps()).services[0]!;
    const loaded = await loadStack({ file: copy.file });
    if (!loaded.ok) throw new Error('the bench stack does not load');
    const stack = loaded.stack;
    const service = stack.services['thumbnails']!;
    for (let round = 1; round <= rounds; round++) {
      // From zero, through the platform.
      await until('thumbnails at zero', async () => ((await p.ps()).services[0]!.replicas.length === 0 ? true : undefined), 30_000);
      const t0 = performance.now();
      const r = await crop(svc.address);
      const ms = performance.now() - t0;
      if (r.status !== 200) throw new Error(`the first call answered ${r.status}`);
      platform.push(ms);
      header.push(Number(/^(\d+)ms$/.exec(r.cold ?? '')?.[1] ?? NaN));
      // The same artifact, bare: spawn to first answer.
      const version = (await p.ps()).services[0]!.version;
      const dir = artifactDir(join(copy.dir, '.bricks', 'artifacts'), version);
      const [program, ...args] = readManifest(dir).command;
      const port = await freePort();
      const env = replicaEnvironment({ stack, service, replica: 'thumbnails.bare', port, addresses: { thumbnails: port }, discoveryUrl: '' });
      const b0 = performance.now();
      const child = spawn(program === 'node' ? process.execPath : (program ?? ''), args, { cwd: dir, env, stdio: 'ignore' });
      try {
        await until('the bare process to answer', async () => ((await crop(`http://127.0.0.1:${port}`)).status === 200 ? true : undefined), 30_000);
        bare.push(performance.now() - b0);
      } finally {
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
      }
      progress(`cold start round ${round}: ${Math.round(ms)} ms through the platform (x-bricks-cold-start ${r.cold ?? '-'}), ${Math.round(bare.at(-1) ?? NaN)} ms bare`);
    }
  } finally {
    await p.bricks('down');
    copy.remove();
  }
  return { platform, header, bare };
}

const suite: BenchSuite = {
  name: 'autoscale',
  title: 'Autoscaling: a load step to an added replica serving, and a cold start from zero',
  async run(progress) {
    const step = await loadStep(progress);
    const cold = await coldStart(progress);
    const rows = [
      '| measure | bricks local | goal | reference (not run here) |',
      '|---|---|---|---|',
      `| load step (8 clients, 200 ms requests, target 2 in flight per replica) → an added replica serves, median (min–max) of ${step.length} | ${fmt(step)} | ≤ 3000 ms | Kubernetes HPA: syncs every 15 s, then starts a pod; KEDA polls every 30 s |`,
      `| cold start: an SDK service (arcade's thumbnails) at zero → its first answer (Connect JSON call through the address), median (min–max) of ${cold.platform.length} | ${fmt(cold.platform)} | ≤ 300 ms | Knative: about 2–4 s |`,
      `| of which the wait for a ready replica (\`x-bricks-cold-start\`) | ${fmt(cold.header)} | | |`,
      `| the same artifact started bare (no platform): spawn → first answer | ${fmt(cold.bare)} | | |`,
      `| cold start ÷ bare start (medians) | ${(median(cold.platform) / median(cold.bare)).toFixed(2)}× | | |`,
    ];
    return `Local defaults of \`x-bricks.autoscale\` (10 s window, 2 s panic window, ×2 per step). The load step's service is a plain Node HTTP server (test/fixtures/echo-service.mjs); the cold start's is arcade's thumbnails, bundled as a release artifact, with a 1 s idle window so each round starts from zero.\n\n${rows.join('\n')}`;
  },
};

export default suite;
