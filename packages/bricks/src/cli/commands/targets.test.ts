// The CLI's engine-target decisions: which targets a command takes, how a release is named,
// which saved Swarm release a rollback reference means, and which exit code a failure gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuildError } from '../../artifacts/index.ts';
import { ReleaseError } from '../../platform/releases/index.ts';
import { TargetError } from '../../targets/index.ts';
import { CliError, EXIT_CODES } from '../errors.ts';
import { fromTargets, imageTags, parseTarget, releaseTag, resolveSwarmRef } from './targets.ts';

test('parseTarget: accepts the targets a command supports, defaults to local, rejects the rest as usage errors', () => {
  assert.equal(parseTarget(undefined, ['local', 'swarm'], 'deploy'), 'local');
  assert.equal(parseTarget('swarm', ['local', 'swarm'], 'deploy'), 'swarm');
  assert.throws(() => parseTarget('nomad', ['local', 'swarm'], 'deploy'), (e: unknown) => e instanceof CliError && e.code === 'usage' && /nomad/.test(e.message));
  assert.throws(
    () => parseTarget('kubernetes', ['local', 'swarm'], 'deploy'),
    (e: unknown) => e instanceof CliError && e.code === 'usage' && /bricks manifests --target kubernetes/.test(e.message),
  );
});

test('releaseTag: the SHA for a clean tree; a dirty tree gets the first 8 of its change hash', () => {
  const sha = 'a'.repeat(40);
  assert.equal(releaseTag({ sha, dirty: false }), sha);
  const tag = releaseTag({ sha, dirty: true, dirtyHash: `0123456789${'f'.repeat(54)}` });
  assert.equal(tag, `${sha}-dirty-01234567`);
  // A Docker tag is at most 128 characters of [A-Za-z0-9_.-].
  assert.match(tag, /^[A-Za-z0-9_.-]{1,128}$/);
});

test('resolveSwarmRef: -N counts releases back (a redeploy of the same SHA is one), a prefix must be unique', () => {
  const h = [{ sha: 'aaa111' }, { sha: 'bbb222' }, { sha: 'bbb222' }, { sha: 'abc333' }].map((e) => ({ ...e }));
  assert.equal(resolveSwarmRef(h, '-1'), 'bbb222');
  assert.equal(resolveSwarmRef(h, '-2'), 'aaa111');
  assert.throws(() => resolveSwarmRef(h, '-3'), (e: unknown) => e instanceof CliError && e.code === 'failed');
  assert.throws(() => resolveSwarmRef(h, '-0'), CliError);
  assert.equal(resolveSwarmRef(h, 'bbb'), 'bbb222');
  assert.equal(resolveSwarmRef(h, 'abc'), 'abc333');
  assert.throws(() => resolveSwarmRef(h, 'a'), (e: unknown) => e instanceof CliError && e.code === 'usage' && /2 Swarm releases/.test(e.message));
  // Unknown to the history: passed through, so a saved stack file can still be found by rollbackSwarm.
  assert.equal(resolveSwarmRef(h, 'fff999'), 'fff999');
  assert.throws(() => resolveSwarmRef([], '-1'), CliError);
});

test('fromTargets: each layer\'s error keeps its cause and gets the exit code its meaning calls for', () => {
  const invalid = fromTargets(new TargetError('invalid-stack', 'services.x: bad port'));
  assert.equal(EXIT_CODES[invalid.code], 2);
  const noDocker = fromTargets(new TargetError('docker-unavailable', 'the docker client is not installed'));
  assert.equal(EXIT_CODES[noDocker.code], 1);
  assert.match(noDocker.message, /docker-setup\.sh/);
  const stuck = new TargetError('not-converged', 'back: task failed\nexit (3)');
  const converted = fromTargets(stuck);
  assert.equal(converted.code, 'failed');
  assert.equal(converted.cause, stuck);
  assert.match(converted.message, /exit \(3\)/);
  const noGit = fromTargets(new ReleaseError('not-git', '/x is not inside a git work tree'));
  assert.equal(noGit.code, 'failed');
  assert.match(noGit.message, /git SHA/);
  assert.equal(fromTargets(new BuildError('build-failed', 'gateway: syntax error')).code, 'failed');
  const same = new CliError('usage', 'x');
  assert.equal(fromTargets(same), same);
});

test('imageTags: the tag after the last colon of the name, not a registry port', () => {
  assert.deepEqual(imageTags({ a: 'reg:5000/team/s-a:abc123', b: 's-b:def', c: 'reg:5000/team/s-c' }), { a: 'abc123', b: 'def' });
});
