// bricks health settings as a Swarm healthcheck. Swarm has one check per task: it gates the
// task's `running` state (and so its DNS entry) and replaces the task when it fails, so the
// readiness probe is used, else liveness. bricks images have node but no curl: http and tcp
// checks are `node -e` one-liners.
import type { Health, Probe, Service } from '../../stack/model.ts';
import { imageSource } from '../compose-keys.ts';

export interface SwarmHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period?: string;
}

const duration = (ms: number): string => `${Math.max(1, Math.round(ms))}ms`;

/** The check's command, or null when there is nothing to run in this image. */
export function healthTest(probe: Probe, port: number, hasNode: boolean): string[] | null {
  switch (probe.kind) {
    case 'http': {
      if (!hasNode) return null;
      const url = JSON.stringify(`http://127.0.0.1:${port}${probe.path.startsWith('/') ? '' : '/'}${probe.path}`);
      return ['CMD', 'node', '-e', `fetch(${url}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`];
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

export function swarmHealthcheck(service: Service, health: Health = service.health): SwarmHealthcheck | null {
  const probe = health.readiness.kind !== 'none' ? health.readiness : health.liveness;
  // Only images bricks built from an artifact are known to have node in them.
  const test = healthTest(probe, service.port, imageSource(service).kind === 'built');
  if (!test) return null;
  const t = health.timing;
  return {
    test,
    interval: duration(t.intervalMs),
    timeout: duration(t.timeoutMs),
    retries: Math.max(1, t.retries),
    ...(t.startPeriodMs > 0 ? { start_period: duration(t.startPeriodMs) } : {}),
  };
}
