// The Swarm side of the rolling-update benchmark: a 3-replica service behind a one-task edge
// that publishes a host port on 127.0.0.1, updated with `docker service update` (start-first,
// parallelism 1, monitor 1 s: the knobs the local side uses) while the same load runs. The
// service uses `endpoint_mode: dnsrr`, as bricks renders it: Swarm's VIPs (IPVS) do not work on
// this machine, like its ingress mesh.
import { fileURLToPath } from 'node:url';
import { DEFAULT_START_PERIOD_MS, MIN_CHECK_TIMEOUT_MS } from '../../packages/bricks/src/targets/swarm/healthcheck.ts';
import { healthTestFor, type RoundResult } from './shared.ts';
import { buildFilesImage, dockerOut, dockerQuiet, pollUntil } from '../engines/docker.ts';
import { steadyLoad } from '../../test/helpers/bricks.ts';
import { freePort } from '../engines/ports.ts';

const files = ['replica.mjs', 'edge.mjs'].map((f) => fileURLToPath(new URL(f, import.meta.url)));

interface UpdateStatus {
  State?: string;
  StartedAt?: string;
  CompletedAt?: string;
  Message?: string;
}

export interface SwarmSide {
  readonly rounds: readonly RoundResult[];
}

/** Runs `rounds` rolling updates under load; cleans up every service, network and image it made. */
export async function runSwarmSide(rounds: number, clients: number, progress: (line: string) => void): Promise<SwarmSide> {
  const prefix = `bricks-bench-rolling-${process.pid}`;
  const image = `${prefix}:1`;
  const api = `${prefix}-api`;
  const edge = `${prefix}-edge`;
  const net = `${prefix}-net`;
  const port = await freePort();
  try {
    await buildFilesImage(image, 'bricks/node:20', files);
    await dockerOut('network', 'create', '--driver', 'overlay', '--attachable', net);
    await dockerOut(
      'service', 'create', '--detach', '--quiet', '--name', api, '--network', net, '--replicas', '3', '--init', '--endpoint-mode', 'dnsrr',
      '--env', 'VERSION=v0', '--env', 'PORT=8080', '--env', 'HOST=0.0.0.0',
      '--health-cmd', healthTestFor(8080), '--health-interval', '1s', '--health-retries', '3',
      // The floors bricks' Swarm target renders: a check there is a fresh node process.
      '--health-timeout', `${MIN_CHECK_TIMEOUT_MS}ms`, '--health-start-period', `${DEFAULT_START_PERIOD_MS}ms`,
      '--update-order', 'start-first', '--update-parallelism', '1', '--update-delay', '0s', '--update-monitor', '1s',
      '--update-failure-action', 'pause', '--stop-grace-period', '10s',
      image, 'node', '/app/replica.mjs',
    );
    await dockerOut(
      'service', 'create', '--detach', '--quiet', '--name', edge, '--network', net, '--mode', 'global', '--init',
      '--publish', `mode=host,target=8080,published=${port}`,
      '--env', `UPSTREAM=http://${api}:8080`, '--env', 'PORT=8080', '--env', 'HOST=0.0.0.0',
      image, 'node', '/app/edge.mjs',
    );
    const url = `http://127.0.0.1:${port}/`;
    // 120 s: a cold start of four tasks with 1 s health checks takes ~10 s here.
    await pollUntil('the Swarm service to run 3 healthy replicas behind its edge', async () => {
      const ls = await dockerOut('service', 'ls', '--filter', `name=${api}`, '--format', '{{.Replicas}}');
      if (!ls.trim().startsWith('3/3')) return null;
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return r.ok ? true : null;
    }, 120_000, 250);

    const results: RoundResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      let stop: () => void = () => {};
      const load = steadyLoad(url, clients, new Promise<void>((r) => (stop = r)));
      // 1 s of steady traffic before and after the update, so both edges of the rollout are loaded.
      await new Promise((r) => setTimeout(r, 1000));
      const started = performance.now();
      await dockerOut('service', 'update', '--detach', '--quiet', '--env-add', `VERSION=v${round}`, api);
      const status = await pollUntil(`the update to v${round} to finish`, async () => {
        const s = JSON.parse(await dockerOut('service', 'inspect', '--format', '{{json .UpdateStatus}}', api)) as UpdateStatus | null;
        return s?.State === 'completed' || s?.State === 'paused' || s?.State === 'rollback_completed' ? s : null;
      }, 180_000, 100);
      const durationMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 1000));
      stop();
      const result = await load;
      const ok = status.State === 'completed';
      results.push({ durationMs, ok: result.ok, failed: result.failed, errors: result.errors.slice(0, 3), completed: ok });
      progress(`swarm round ${round}: update ${status.State ?? '?'} in ${Math.round(durationMs)} ms, ${result.failed} failed of ${result.ok + result.failed}`);
    }
    return { rounds: results };
  } finally {
    await dockerQuiet('service', 'rm', api, edge);
    // The network goes once the tasks are gone (a few seconds); then the image can go too.
    await pollUntil('the benchmark network to be removed', async () => {
      await dockerQuiet('network', 'rm', net);
      return (await dockerOut('network', 'ls', '-q', '--filter', `name=${net}`)).trim() === '' ? true : null;
    }, 60_000, 500).catch(() => undefined);
    await pollUntil('the benchmark image to be removed', async () => {
      await dockerQuiet('image', 'rm', image);
      return (await dockerOut('images', '-q', image)).trim() === '' ? true : null;
    }, 30_000, 500).catch(() => undefined);
  }
}
