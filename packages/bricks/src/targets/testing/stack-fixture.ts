// Hand-built normalized stacks for the targets' tests, shaped like the arcade example, so the
// renderers are tested without depending on the stack parser.
import type { Health, Service, Stack } from '../../stack/model.ts';

export const httpHealth: Health = {
  readiness: { kind: 'http', path: '/ready' },
  liveness: { kind: 'http', path: '/live' },
  timing: { intervalMs: 5000, timeoutMs: 2000, retries: 3, startPeriodMs: 10_000, startIntervalMs: 1000 },
};

export function makeService(name: string, over: Partial<Service> = {}): Service {
  return {
    name,
    run: { kind: 'argv', argv: ['node', 'main.mjs'] },
    environment: {},
    workingDir: `/project/services/${name}`,
    port: 8080,
    replicas: 1,
    restart: { condition: 'any', delayMs: 100, maxDelayMs: 10_000, maxAttempts: null, windowMs: 60_000 },
    health: httpHealth,
    stopGracePeriodMs: 10_000,
    dependsOn: [],
    compose: {},
    bricks: {},
    ...over,
  };
}

export function makeStack(name: string, services: Service[], compose: Record<string, unknown> = {}, dir = '/project'): Stack {
  return {
    name,
    file: `${dir}/bricks.yaml`,
    dir,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    compose,
  };
}

/** An arcade-like stack: an edge gateway, a replicated service with a secret, autoscaled ones, a plain image. */
export function arcadeLike(dir: string): Stack {
  return makeStack('arcade', [
    makeService('gateway', {
      environment: { LOG_LEVEL: 'info' },
      compose: { ports: ['8080:8080'], deploy: { update_config: { order: 'start-first', parallelism: 1 } } },
    }),
    makeService('catalog', {
      port: 8081,
      replicas: 2,
      stopGracePeriodMs: 15_000,
      compose: {
        secrets: ['db_password'],
        configs: [{ source: 'catalog_conf', target: '/app/catalog.json' }],
        deploy: {
          update_config: { parallelism: 2, delay: '5s', order: 'stop-first' },
          resources: { limits: { cpus: '0.5', memory: '256M' }, reservations: { cpus: '0.25', memory: '128M' } },
        },
      },
    }),
    makeService('scores', { port: 8082, replicas: 3, health: { ...httpHealth, liveness: { kind: 'tcp' } } }),
    makeService('analytics', { port: 8083, bricks: { autoscale: { min: 2, max: 6, cpu: 70, rps: 200 } } }),
    makeService('thumbnails', {
      port: 8084,
      replicas: 0,
      bricks: { autoscale: { min: 0, max: 2, cpu: 80 } },
      health: { ...httpHealth, liveness: { kind: 'exec', command: { kind: 'shell', script: 'test -f /tmp/alive' } } },
    }),
    makeService('db', {
      port: 5432,
      run: { kind: 'argv', argv: ['postgres', '-c', 'fsync=off'] },
      health: { ...httpHealth, readiness: { kind: 'tcp' }, liveness: { kind: 'none' }, timing: { ...httpHealth.timing, startPeriodMs: 0 } },
      compose: { image: 'postgres:16' },
    }),
  ], {
    secrets: { db_password: { file: './secrets/db_password.txt' } },
    configs: { catalog_conf: { content: '{"pageSize": 20}' } },
  }, dir);
}
