// A service's target: the spec's version with the restart token, the rollback's failure
// action over update_config's, and depends_on conditions read from the units' states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyServiceState, isVersionOf } from '../reconciler/index.ts';
import type { Replica, ServiceState } from '../reconciler/index.ts';
import { dependenciesMet, serviceTarget } from './service-spec.ts';
import { service } from './testing/supervised.ts';

function withReplica(state: ServiceState, over: Partial<Replica>): ServiceState {
  const r: Replica = {
    id: `${state.name}.1#1`,
    name: `${state.name}.1`,
    service: state.name,
    slot: 1,
    generation: 1,
    version: 'v1',
    phase: 'running',
    pid: 1,
    port: 1,
    createdAt: 0,
    startedAt: 0,
    ready: false,
    everReady: false,
    readyAt: null,
    readiness: { successes: 0, failures: 0 },
    liveness: { successes: 0, failures: 0 },
    stopReason: null,
    stoppingSince: null,
    ...over,
  };
  return { ...state, replicas: [...state.replicas, r] };
}

describe('service target', () => {
  it('names the spec version with its restart token, and lets a rollback override the failure action', () => {
    const config = service('api', {}, { failure_action: 'rollback' });
    const spec = { config, command: { kind: 'argv' as const, argv: ['x'] }, cwd: '/', version: 'v1' };
    const plain = serviceTarget(spec, { replicas: 2, restartToken: 0, canStart: true });
    assert.equal(plain.version, 'v1');
    assert.equal(plain.update.failureAction, 'rollback');
    const restarted = serviceTarget({ ...spec, failureAction: 'pause' }, { replicas: 2, restartToken: 1, canStart: false });
    assert.notEqual(restarted.version, 'v1');
    assert.ok(isVersionOf(restarted.version, 'v1'));
    assert.equal(restarted.update.failureAction, 'pause');
    assert.equal(restarted.canStart, false);
  });

  it('depends_on: service_started needs a running replica, service_healthy a ready one', () => {
    const web = service('web', {
      dependsOn: [
        { service: 'db', condition: 'service_healthy' },
        { service: 'cache', condition: 'service_started' },
      ],
    });
    const states = new Map<string, ServiceState>([
      ['db', withReplica(emptyServiceState('db'), { ready: false })],
      ['cache', withReplica(emptyServiceState('cache'), { phase: 'starting' })],
    ]);
    const met = (): boolean => dependenciesMet(web, (name) => states.get(name));
    assert.equal(met(), false);
    states.set('db', withReplica(emptyServiceState('db'), { ready: true }));
    assert.equal(met(), false, 'cache has not started yet');
    states.set('cache', withReplica(emptyServiceState('cache'), { phase: 'running' }));
    assert.equal(met(), true);
    states.delete('cache');
    assert.equal(met(), true, 'a service the supervisor does not run is not waited for');
  });
});
