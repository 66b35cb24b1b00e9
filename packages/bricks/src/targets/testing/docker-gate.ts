// Tests that need a real Docker engine: they skip with the reason on a machine without one,
// and fail under CI=true, where the engine is part of the setup (scripts/ci/docker-setup.sh).
import type { TestContext } from 'node:test';
import { dockerProblem } from '../docker/cli.ts';

/** Resolves true when the test may go on; otherwise skips it (or throws under CI). */
export async function needsDocker(t: TestContext, opts: { swarm?: boolean } = {}): Promise<boolean> {
  const problem = await dockerProblem(undefined, opts);
  if (problem === null) return true;
  const message = `Docker is needed: ${problem} (run scripts/ci/docker-setup.sh)`;
  if (process.env['CI'] === 'true') throw new Error(message);
  t.skip(message);
  return false;
}
