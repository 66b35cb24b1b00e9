// End-to-end tests on a real Docker Swarm: make sure one is there (under CI=true by running the
// idempotent setup script), or skip with the reason on a machine without Docker.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { dockerProblem } from '../../packages/bricks/src/targets/index.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Resolves true when the test may go on; skips it (false) without Docker, throws under CI=true. */
export async function ensureSwarm(t: TestContext): Promise<boolean> {
  const setup = (): void => void spawnSync('bash', [join(ROOT, 'scripts/ci/docker-setup.sh')], { stdio: 'inherit' });
  let problem = await dockerProblem(undefined, { swarm: true });
  if (problem !== null && process.env['CI'] === 'true') {
    setup();
    problem = await dockerProblem(undefined, { swarm: true });
  }
  if (problem === null) {
    // The base image bricks builds on: made from this machine's node when it is missing.
    if (spawnSync('docker', ['image', 'inspect', 'bricks/node:20'], { stdio: 'ignore' }).status !== 0) setup();
    return true;
  }
  const message = `Swarm end-to-end tests need a Docker swarm manager: ${problem} (run scripts/ci/docker-setup.sh)`;
  if (process.env['CI'] === 'true') throw new Error(message);
  t.skip(message);
  return false;
}

/**
 * The PostgreSQL image a backing service runs on this swarm: `bricks/postgres:<major>`, which
 * scripts/ci/docker-setup.sh builds from Debian's packages (nothing can be pulled here); built
 * now when it is missing.
 */
export function postgresImage(): string {
  const find = (): string | undefined =>
    spawnSync('docker', ['images', 'bricks/postgres', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).stdout.split('\n').find((l) => l.startsWith('bricks/postgres:'));
  let image = find();
  if (image === undefined) {
    spawnSync('bash', [join(ROOT, 'scripts/ci/docker-setup.sh')], { stdio: 'inherit' });
    image = find();
  }
  if (image === undefined) throw new Error('no bricks/postgres image: scripts/ci/docker-setup.sh could not build one (is postgresql installed?)');
  return image;
}
