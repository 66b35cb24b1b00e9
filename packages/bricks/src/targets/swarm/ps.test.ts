import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DockerResult, DockerRunner } from '../docker/cli.ts';
import { TargetError } from '../errors.ts';
import { makeStack } from '../testing/stack-fixture.ts';
import { removeSwarm } from './ps.ts';

const stack = makeStack('shop', { a: {} });
const ok = (stdout = ''): DockerResult => ({ code: 0, stdout, stderr: '' });
const refused: DockerResult = {
  code: 1, stdout: '',
  stderr: 'Failed to remove network n1: Error response from daemon: rpc error: code = FailedPrecondition desc = network n1 is in use by task t1failed to remove some resources from stack: shop',
};

/**
 * A Docker whose stack keeps a container for `containerPolls` polls and its network until a
 * `network rm` succeeds; `early` counts the `network rm`s made while a container was left.
 */
function fakeDocker(stackRm: DockerResult, containerPolls: number, networkRm: DockerResult[] = []): { run: DockerRunner; networkRms: () => number; early: () => number } {
  let network = 'n1';
  let polls = 0;
  let containerLeft = true;
  let networkRms = 0;
  let early = 0;
  const run: DockerRunner = async (args) => {
    const [cmd, sub] = args;
    if (cmd === 'stack' && sub === 'rm') return stackRm;
    if (cmd === 'service') return ok('');
    if (cmd === 'network' && sub === 'ls') return ok(network);
    if (cmd === 'ps') {
      containerLeft = polls++ < containerPolls;
      return ok(containerLeft ? 'c1\n' : '');
    }
    if (cmd === 'network' && sub === 'rm') {
      networkRms++;
      if (containerLeft) early++;
      const r = networkRm.shift() ?? ok('n1');
      if (r.code === 0) network = '';
      return r;
    }
    throw new Error(`unexpected docker ${args.join(' ')}`);
  };
  return { run, networkRms: () => networkRms, early: () => early };
}

test('a network Swarm refused during stack rm is removed once its tasks are gone', async () => {
  const d = fakeDocker(refused, 2, [refused]);
  await removeSwarm(stack, { docker: d.run, pollMs: 0 });
  // Not while a container is left; refused once more while detaching, then removed.
  assert.equal(d.early(), 0, 'no network rm while a container is left');
  assert.equal(d.networkRms(), 2);
});

test('any other stack rm failure is reported with docker\'s words', async () => {
  const d = fakeDocker({ code: 1, stdout: '', stderr: 'Error response from daemon: This node is not a swarm manager.' }, 0);
  await assert.rejects(removeSwarm(stack, { docker: d.run, pollMs: 0 }), (err: unknown) => {
    assert.ok(err instanceof TargetError);
    assert.equal(err.code, 'docker-failed');
    assert.match(err.message, /docker stack rm failed: .*not a swarm manager/);
    return true;
  });
});

test('a network that will not go is reported when the deadline passes', async () => {
  let t = 0;
  const d = fakeDocker(refused, 0, Array.from({ length: 100 }, () => refused));
  await assert.rejects(removeSwarm(stack, { docker: d.run, pollMs: 0, deadlineMs: 3, now: () => t++ }), /networks: left/);
});
