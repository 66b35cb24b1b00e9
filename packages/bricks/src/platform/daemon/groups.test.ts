// Folding x-bricks.group members into one runnable unit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GROUP_ENTRIES_VARIABLE, SERVICES_VARIABLE } from '@bricks/sdk/platform-env';
import type { Service } from '../../stack/model.ts';
import { serviceFrom } from '../../stack/testing/stacks.ts';
import { foldGroups, GROUP_LAUNCHER, GroupError } from './groups.ts';
import type { MemberSpec } from './groups.ts';

function service(name: string, over: Partial<Service> = {}, group?: string): Service {
  const base = serviceFrom(name, {
    working_dir: '/app',
    environment: { [`${name.toUpperCase()}_ONLY`]: '1', SHARED: name },
    'x-bricks': { run: ['node', `${name}.ts`], ...(group === undefined ? {} : { group }) },
  });
  return { ...base, ...over };
}

const member = (s: Service, version = 'v1', entry: string | null = `/app/${s.name}.ts`): MemberSpec => ({
  spec: { config: s, command: s.run ?? { kind: 'argv', argv: [] }, cwd: '/app', version },
  entry,
});

describe('x-bricks.group', () => {
  it('folds members into one unit that serves them all', () => {
    const specs = foldGroups(
      {
        gateway: member(service('gateway', { dependsOn: [{ service: 'catalog', condition: 'service_healthy' }] })),
        catalog: member(service('catalog', { replicas: 2, dependsOn: [{ service: 'scores', condition: 'service_started' }, { service: 'db', condition: 'service_healthy' }] }, 'core')),
        scores: member(service('scores', { replicas: 3, stopGracePeriodMs: 20_000 }, 'core')),
      },
      ['--import', 'tsx'],
    );
    assert.deepEqual(Object.keys(specs).sort(), ['core', 'gateway']);
    const core = specs.core!;
    assert.deepEqual(core.members, ['catalog', 'scores']);
    assert.equal(core.config.replicas, 3, 'the largest member count');
    assert.equal(core.config.stopGracePeriodMs, 20_000);
    assert.deepEqual(core.config.dependsOn, [{ service: 'db', condition: 'service_healthy' }], 'dependencies inside the group drop out');
    assert.deepEqual(core.command, { kind: 'argv', argv: [process.execPath, '--import', 'tsx', GROUP_LAUNCHER] });
    assert.equal(core.config.environment[GROUP_ENTRIES_VARIABLE], JSON.stringify(['/app/catalog.ts', '/app/scores.ts']));
    assert.equal(core.config.environment[SERVICES_VARIABLE], 'catalog,scores');
    assert.equal(core.config.environment.SHARED, 'catalog', 'first member wins a shared variable');
    assert.equal(core.config.environment.SCORES_ONLY, '1');
    assert.equal(specs.gateway?.members, undefined);
  });

  it('a member version change changes the unit version', () => {
    const a = foldGroups({ x: member(service('x', {}, 'g'), 'v1'), y: member(service('y', {}, 'g'), 'v1') }, []);
    const b = foldGroups({ x: member(service('x', {}, 'g'), 'v1'), y: member(service('y', {}, 'g'), 'v2') }, []);
    assert.notEqual(a.g?.version, b.g?.version);
  });

  it('refuses a group named like a service, and members without a Node entry', () => {
    assert.throws(() => foldGroups({ g: member(service('g')), x: member(service('x', {}, 'g')) }, []), GroupError);
    assert.throws(() => foldGroups({ x: member(service('x', {}, 'g'), 'v1', null) }, []), /x in x-bricks.group 'g' has no Node entry module/);
  });
});
