// bricks health settings as a Swarm healthcheck. Swarm has one check per task: it gates the
// task's `running` state (and so its DNS entry) and replaces the task when it fails, so the
// readiness probe is used, else liveness. bricks images have node but no curl: http and tcp
// checks are `node -e` one-liners. Unlike the local platform's in-process probes, each check
// starts a process in the container, so its timing gets floors (below).
import type { Probe, Service } from '../../stack/model.ts';
import { servicePort } from '../../stack/service-port.ts';
import { engineProbeTiming } from '../engine-defaults.ts';
import { imageSource } from '../service-shape.ts';

export interface SwarmHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

const duration = (ms: number): string => `${Math.max(1, Math.round(ms))}ms`;

/** The check's command, or null when there is nothing to run in this image. */
export function healthTest(probe: Probe, port: number, hasNode: boolean): string[] | null {
  switch (probe.kind) {
    case 'http': {
      if (!hasNode) return null;
      const url = JSON.stringify(`http://127.0.0.1:${port}${probe.path.startsWith('/') ? '' : '/'}${probe.path}`);
      // node:http, not fetch: fetch loads undici on first use, which made each check cost 0.1-0.5 s more here.
      return ['CMD', 'node', '-e', `require("http").get(${url},(r)=>process.exit(r.statusCode>=200&&r.statusCode<300?0:1)).on("error",()=>process.exit(1))`];
    }
    case 'tcp':
      if (!hasNode) return null;
      return ['CMD', 'node', '-e', `require("net").connect(${port},"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))`];
    case 'exec':
      return probe.command.kind === 'argv' ? ['CMD', ...probe.command.argv] : ['CMD-SHELL', probe.command.script];
    case 'none':
      return null;
  }
}

/**
 * The least time a check gets: a fresh node process takes 0.1-1.5 s to start on this 2-core
 * machine under load (measured with `docker exec`), so the local 1 s default made healthy tasks
 * fail their checks and Swarm replace them in a loop.
 */
export const MIN_CHECK_TIMEOUT_MS = 5_000;
/**
 * Without a `start_period` the local platform gives a replica 30 s to pass its first check
 * (Kubernetes' startup budget); Swarm's `start_period` says the same: failures inside it do not
 * count, and the first success makes the task healthy at once.
 */
export const DEFAULT_START_PERIOD_MS = 30_000;

export function swarmHealthcheck(service: Service): SwarmHealthcheck | null {
  const health = service.health;
  const probe = health.readiness.kind !== 'none' ? health.readiness : health.liveness;
  // Only images bricks built from an artifact are known to have node in them.
  const test = healthTest(probe, servicePort(service), imageSource(service).kind === 'built');
  if (!test) return null;
  const t = engineProbeTiming(service);
  return {
    test,
    interval: duration(t.intervalMs),
    timeout: duration(test[0] === 'CMD' && test[1] === 'node' ? Math.max(t.timeoutMs, MIN_CHECK_TIMEOUT_MS) : t.timeoutMs),
    retries: Math.max(1, t.retries),
    start_period: duration(t.startPeriodMs > 0 ? t.startPeriodMs : DEFAULT_START_PERIOD_MS),
  };
}
