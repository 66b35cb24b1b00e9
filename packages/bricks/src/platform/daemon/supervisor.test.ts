// The supervisor over a fake runtime, fake health, fake routes and a fake clock: what it does
// to replicas and routes, in what order, and what it tells the event bus. Time moves only when
// a test moves it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localSettings } from '../local-defaults.ts';
import { restartDelay } from '../reconciler/index.ts';
import { service, World } from './testing/supervised.ts';

/** The journal's index of a line, asserting it is there. */
function at(journal: readonly string[], line: string): number {
  const i = journal.indexOf(line);
  assert.ok(i >= 0, `journal has '${line}': ${journal.join(' | ')}`);
  return i;
}

describe('supervisor', () => {
  it('starts a replica, routes it once ready, and restarts it after each crash with a growing back-off', async () => {
    const w = new World(service('api'));
    await w.apply('v1');
    assert.deepEqual(w.journal, ['prepare api.1#1', 'start api.1#1']);
    const first = w.runtime.replica('api.1#1');
    assert.equal(first.env.PORT, String(first.port), 'the replica is told the port the runtime prepared');
    assert.deepEqual(w.of('replica-started').map((e) => [e.replica, e.port]), [['api.1', first.port]]);
    assert.deepEqual(w.routes.of('api').endpoints, [], 'no traffic before it is ready');

    first.say('listening');
    assert.deepEqual(w.logs, [{ time: w.clock.now(), service: 'api', replica: 'api.1', stream: 'stdout', line: 'listening' }]);
    first.notifyReady();
    assert.equal(w.health.hurried('api.1#1'), 1, 'its ready notice has it probed at once');
    w.health.pass('api.1#1');
    await w.clock.settle();
    assert.deepEqual(w.of('replica-ready').map((e) => e.replica), ['api.1']);
    assert.deepEqual(w.routes.of('api').endpoints, [{ id: 'api.1#1', host: '127.0.0.1', port: first.port }]);
    assert.equal(w.supervisor.status()[0]?.condition, 'running');

    let id = 'api.1#1';
    for (let crash = 1; crash <= 5; crash++) {
      w.clear();
      w.runtime.replica(id).exit(1);
      await w.clock.settle();
      assert.deepEqual(w.of('replica-exited').map((e) => [e.replica, e.code, e.expected]), [['api.1', 1, false]]);
      assert.deepEqual(w.routes.of('api').endpoints, []);
      // The local restart policy's back-off: 100 ms, doubling per crash inside the window.
      const delay = restartDelay(localSettings(w.config).restart, crash);
      assert.equal(delay, 100 * 2 ** (crash - 1));
      await w.clock.advance(delay - 1);
      assert.deepEqual(w.steps('start'), [], `crash ${crash}: nothing starts before ${delay} ms`);
      await w.clock.advance(1);
      id = `api.1#${crash + 1}`;
      assert.deepEqual(w.steps('start'), [`start ${id}`], `crash ${crash}: restarted after ${delay} ms`);
    }
    const [status] = w.supervisor.status();
    assert.equal(status?.condition, 'crash-looping');
    assert.equal(status?.restarts, 5);
  });

  it('a replica that cannot start is reported, and started again after the back-off', async () => {
    const w = new World(service('api'));
    w.runtime.failStart('api.1#1', 'could not start node: ENOENT');
    await w.apply('v1');
    assert.deepEqual(w.of('replica-failed-to-start').map((e) => [e.replica, e.error]), [['api.1', 'could not start node: ENOENT']]);
    assert.equal(w.health.watching('api.1#1'), false);
    await w.clock.advance(100);
    assert.deepEqual(w.steps('start'), ['start api.1#1', 'start api.1#2']);
    assert.deepEqual(w.runtime.running(), ['api.1#2']);
  });

  it('replaces a replica whose liveness fails, without waiting for a drain', async () => {
    const w = new World(service('api'));
    await w.apply('v1');
    await w.allReady();
    w.clear();
    for (let i = 0; i < 3; i++) w.health.dead('api.1#1');
    await w.clock.settle();
    assert.deepEqual(w.journal, ['route api []', 'shutdown api.1#1', 'exit SIGTERM api.1#1']);
    assert.deepEqual(w.of('replica-stopping').map((e) => e.reason), ['liveness']);
    assert.deepEqual(w.of('replica-exited').map((e) => e.expected), [false], 'a liveness stop is not an expected exit');
    await w.clock.advance(100);
    assert.deepEqual(w.steps('start'), ['start api.1#2']);
  });

  it('drains a replica before it is stopped: routing leaves it first, and shutdown waits for the drain', async () => {
    const w = new World(service('api', { replicas: 2 }));
    await w.apply('v1');
    await w.allReady();
    assert.equal(w.routes.of('api').endpoints.length, 2);
    w.routes.of('api').holdDrains();
    w.clear();

    w.supervisor.setScale('api', 1);
    await w.clock.settle();
    assert.deepEqual(w.journal, ['route api [api.1#1]', 'drain api api.2#2'], 'no shutdown while requests are in flight');
    assert.deepEqual(w.of('replica-stopping').map((e) => [e.replica, e.reason]), [['api.2', 'scale-down']]);
    assert.equal(w.health.watching('api.2#2'), false, 'a replica on its way out is not probed');

    w.routes.of('api').finishDrain('api.2#2');
    await w.clock.settle();
    assert.deepEqual(w.journal.slice(2), ['drained api api.2#2', 'shutdown api.2#2', 'exit SIGTERM api.2#2']);
    assert.deepEqual(w.of('replica-exited').map((e) => [e.replica, e.expected]), [['api.2', true]]);
    assert.deepEqual(w.runtime.running(), ['api.1#1']);
    await w.clock.advance(10_000);
    assert.deepEqual(w.steps('start'), [], 'a scale-down is not restarted');
  });

  it('a replica that exits while it drains is not asked to stop', async () => {
    const w = new World(service('api', { replicas: 2 }));
    await w.apply('v1');
    await w.allReady();
    w.routes.of('api').holdDrains();
    w.supervisor.setScale('api', 1);
    await w.clock.settle();
    w.runtime.replica('api.2#2').exit(0);
    await w.clock.settle();
    w.routes.of('api').finishDrain('api.2#2');
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), []);
    assert.deepEqual(w.runtime.running(), ['api.1#1']);
  });

  it('rolls start-first, `parallelism` slots at a time: an old replica stops only once its replacement is ready', async () => {
    const w = new World(service('api', { replicas: 3 }, { parallelism: 2 }));
    await w.apply('v1');
    await w.allReady();
    w.clear();

    await w.apply('v2');
    assert.deepEqual(w.steps('start'), ['start api.1#4', 'start api.2#5'], 'two slots at a time; the third waits');
    assert.deepEqual(w.steps('shutdown'), [], 'the old replicas serve on meanwhile');

    w.health.pass('api.2#5');
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), ['shutdown api.2#2'], 'only the replaced slot stops');
    assert.deepEqual(w.steps('start'), ['start api.1#4', 'start api.2#5', 'start api.3#6'], 'a slot done: the next one starts');
    const j = w.journal;
    assert.ok(at(j, 'route api [api.1#1 api.3#3 api.2#5]') < at(j, 'drain api api.2#2'), 'the new one takes traffic before the old one drains');
    assert.ok(at(j, 'drain api api.2#2') < at(j, 'shutdown api.2#2'));

    w.health.pass('api.1#4');
    w.health.pass('api.3#6');
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), ['shutdown api.2#2', 'shutdown api.1#1', 'shutdown api.3#3']);
    assert.deepEqual(w.runtime.running(), ['api.1#4', 'api.2#5', 'api.3#6']);
    for (const line of w.steps('route')) {
      const routed = line.slice('route api ['.length, -1).split(' ').filter((x) => x !== '');
      assert.ok(routed.length >= 3, `full capacity through the update: ${line}`);
    }
    assert.deepEqual(w.of('rollout').map((e) => [e.version, e.state]), [['v2', 'completed']]);
  });

  it('a rollout whose new version crashes fails; the rollback applied after it pauses on a failure of its own', async () => {
    const w = new World(service('api', { replicas: 2 }, { monitor: '1s' }));
    await w.apply('v1');
    await w.allReady();
    assert.deepEqual(w.of('rollout').map((e) => [e.version, e.state]), [['v1', 'completed']], 'a first start has nothing to monitor against');
    w.clear();

    await w.apply('v2');
    assert.deepEqual(w.steps('start'), ['start api.1#3']);
    w.runtime.replica('api.1#3').exit(1);
    await w.clock.settle();
    const [failed] = w.of('rollout');
    assert.equal(failed?.version, 'v2');
    assert.equal(failed?.state, 'failed');
    assert.match(failed?.reason ?? '', /api\.1 exited \(code 1\)/);
    await w.clock.advance(10_000);
    assert.deepEqual(w.steps('start'), ['start api.1#3'], 'no further step of the failed version');
    assert.deepEqual(w.runtime.running(), ['api.1#1', 'api.2#2'], 'the old version still serves');

    // What the deployer does next: the previous spec again, with failure action pause.
    w.clear();
    await w.apply('v1', w.config, 'pause');
    w.runtime.replica('api.1#1').exit(1); // inside the monitor window
    await w.clock.settle();
    assert.deepEqual(w.of('rollout').map((e) => [e.version, e.state]), [['v1', 'paused']], 'a rollback is never itself rolled back');
  });

  it('a stop decided while a replica is still starting stops it once it runs', async () => {
    const w = new World(service('api'));
    w.runtime.holdStart('api.1#1');
    await w.apply('v1');
    let done = false;
    const stopped = w.supervisor.shutdown().then(() => (done = true));
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), [], 'nothing to shut down yet');
    w.runtime.replica('api.1#1').release();
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), ['shutdown api.1#1']);
    assert.equal(w.health.watching('api.1#1'), false, 'never watched: it was on its way out');
    assert.equal(done, true);
    await stopped;
    assert.deepEqual(w.runtime.running(), []);
  });

  it('shuts down gracefully: traffic leaves, every replica is asked to stop, and one that ignores it is terminated after the grace period', async () => {
    const w = new World(service('api', { replicas: 2 }));
    await w.apply('v1');
    await w.allReady();
    w.runtime.ignoreShutdown('api.2#2');
    w.clear();

    let done = false;
    const stopped = w.supervisor.shutdown().then(() => (done = true));
    await w.clock.settle();
    assert.deepEqual(w.of('platform').map((e) => e.state), ['stopping']);
    assert.deepEqual(w.journal.slice(0, 3), ['route api []', 'drain api api.1#1', 'drain api api.2#2'], 'traffic leaves first');
    assert.deepEqual(w.journal.slice(3).sort(), ['exit SIGTERM api.1#1', 'shutdown api.1#1', 'shutdown api.2#2']);
    assert.equal(done, false, 'api.2 is still there');
    const grace = localSettings(w.config).stopGracePeriodMs;
    await w.clock.advance(grace - 1);
    assert.deepEqual(w.steps('terminate'), []);
    await w.clock.advance(1);
    assert.deepEqual(w.journal.slice(6), ['terminate api.2#2', 'exit SIGKILL api.2#2']);
    await stopped;
    assert.deepEqual(w.steps('start'), [], 'nothing is restarted on the way down');
    assert.deepEqual(w.supervisor.status()[0]?.replicas, []);
    assert.deepEqual(w.clock.pending(), [], 'no timer left behind');
  });
  it('depends_on orders the way up and the way down: a database starts first and stops last', async () => {
    const db = service('db');
    const api = service('api', { dependsOn: [{ service: 'db', condition: 'service_healthy' }] });
    const w = new World(api, [db]);
    await w.applyAll('v1');
    assert.deepEqual(w.steps('start'), ['start db.1#1'], 'api waits for db to be healthy');
    await w.allReady();
    assert.deepEqual(w.steps('start'), ['start db.1#1', 'start api.1#1']);
    await w.allReady();
    w.clear();

    // api takes its whole grace period to stop: db must still be there for it.
    w.runtime.ignoreShutdown('api.1#1');
    const stopped = w.supervisor.shutdown();
    await w.clock.settle();
    assert.deepEqual(w.steps('shutdown'), ['shutdown api.1#1'], 'db serves api while it drains');
    await w.clock.advance(localSettings(api).stopGracePeriodMs);
    assert.deepEqual(w.journal.filter((l) => /^(shutdown|exit|terminate) /.test(l)), ['shutdown api.1#1', 'terminate api.1#1', 'exit SIGKILL api.1#1', 'shutdown db.1#1', 'exit SIGTERM db.1#1'], 'then db stops');
    await stopped;
    assert.deepEqual(w.runtime.running(), []);
  });
});
