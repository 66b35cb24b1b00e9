// Stacks for the targets' tests, shaped like the arcade example and written as Compose data,
// so the renderers are tested on exactly what the stack parser gives them.
import type { Service, Stack } from '../../stack/model.ts';
import { stackFrom } from '../../stack/testing/stacks.ts';

type Compose = Record<string, unknown>;

/** The health every fixture service has unless it says otherwise. */
export const HTTP_HEALTH = { ready: '/ready', live: '/live', interval: '5s', timeout: '2s', retries: 3, start_period: '10s', start_interval: '1s' };

/** A service's Compose map with the fixture's defaults (a node program with HTTP health) under it. */
export function composeService(name: string, over: Compose = {}): Compose {
  const bricks = (over['x-bricks'] ?? {}) as Compose;
  return {
    working_dir: `services/${name}`,
    ...over,
    'x-bricks': { run: ['node', 'main.mjs'], health: HTTP_HEALTH, ...bricks },
  };
}

/** A stack of fixture services (each map as composeService takes it) and top-level sections. */
export function makeStack(name: string, services: Readonly<Record<string, Compose>>, top: Compose = {}, dir = '/project'): Stack {
  return stackFrom({ name, ...top, services: Object.fromEntries(Object.entries(services).map(([n, c]) => [n, composeService(n, c)])) }, dir);
}

/** One fixture service, parsed as the only service of a stack. */
export function makeService(name: string, over: Compose = {}): Service {
  const s = makeStack('fixture', { [name]: over }).services[name];
  if (s === undefined) throw new Error(`no service ${name}`);
  return s;
}

/** An arcade-like stack: an edge gateway, a replicated service with a secret, autoscaled ones, a plain image. */
export function arcadeLike(dir: string): Stack {
  return makeStack('arcade', {
    gateway: {
      environment: { LOG_LEVEL: 'info' },
      ports: ['8080:8080'],
      deploy: { update_config: { order: 'start-first', parallelism: 1 } },
    },
    catalog: {
      secrets: ['db_password'],
      configs: [{ source: 'catalog_conf', target: '/app/catalog.json' }],
      stop_grace_period: '15s',
      deploy: {
        replicas: 2,
        update_config: { parallelism: 2, delay: '5s', order: 'stop-first' },
        resources: { limits: { cpus: '0.5', memory: '256M' }, reservations: { cpus: '0.25', memory: '128M' } },
      },
      'x-bricks': { port: 8081 },
    },
    scores: { deploy: { replicas: 3 }, 'x-bricks': { port: 8082, health: { ...HTTP_HEALTH, live: undefined } } },
    analytics: { 'x-bricks': { port: 8083, autoscale: { min: 2, max: 6, cpu: 70, rps: 200 } } },
    thumbnails: {
      deploy: { replicas: 0 },
      healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/alive'] },
      'x-bricks': { port: 8084, autoscale: { min: 0, max: 2, cpu: 80 }, health: { ...HTTP_HEALTH, live: undefined } },
    },
    db: {
      image: 'postgres:16',
      command: ['postgres', '-c', 'fsync=off'],
      healthcheck: { disable: true },
      'x-bricks': { port: 5432, run: undefined, health: undefined },
    },
  }, {
    secrets: { db_password: { file: './secrets/db_password.txt' } },
    configs: { catalog_conf: { content: '{"pageSize": 20}' } },
  }, dir);
}
