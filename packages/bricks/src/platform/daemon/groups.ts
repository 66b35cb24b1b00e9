// Co-location: services that share an `x-bricks.group` run in one process per replica. The
// group becomes one runnable unit (one reconciler state, one set of replicas) whose replicas
// serve every member; each member keeps its own service address, routed to the unit's replicas.
import { createHash } from 'node:crypto';
import { GROUP_ENTRIES_VARIABLE, SERVICES_VARIABLE } from '@bricks/sdk/platform-env';
import type { Dependency, Service } from '../../stack/model.ts';
import type { ServiceSpec } from './service-spec.ts';
import { CodedError } from '../../util/coded-error.ts';
import { isSourceCheckout, PREBUILT_GROUP_LAUNCHER } from '../../../bin/package-layout.js';
import { packagePath } from '../../util/package-root.ts';
import { localSettings } from '../local-defaults.ts';

// A file of its own, not part of the CLI bundle: each group replica runs it as its main module.
// An installed bricks runs its build in dist/, which carries the SDK names it imports.
export const GROUP_LAUNCHER = isSourceCheckout(packagePath()) ? packagePath('src', 'platform', 'runtime', 'group-launcher.mjs') : packagePath(PREBUILT_GROUP_LAUNCHER);

/** A member service's spec plus the module its program starts from (null: not a Node entry). */
export interface MemberSpec {
  readonly spec: ServiceSpec;
  readonly entry: string | null;
}

export type GroupErrorCode =
  /** A group has the name of a service: both would need the one service address. */
  | 'name-taken'
  /** A member has no Node entry module: only Node services can share a process. */
  | 'no-node-entry'
  /** Anything else that failed below, kept as `cause`. */
  | 'internal';

export class GroupError extends CodedError<GroupErrorCode> {
  override readonly name = 'GroupError';

  /** Wraps anything else; a GroupError passes through. */
  static from(err: unknown, code: GroupErrorCode = 'internal'): GroupError {
    return GroupError.wrap(err, code);
  }
}

export function groupOf(s: Service): string | null {
  return s.bricks.group ?? null;
}

/**
 * Folds each group's members into one unit spec named after the group. `nodeFlags` are given
 * to the launcher (sources mode needs `--import tsx` for TypeScript entries).
 */
export function foldGroups(members: Readonly<Record<string, MemberSpec>>, nodeFlags: readonly string[]): Record<string, ServiceSpec> {
  const out: Record<string, ServiceSpec> = {};
  const groups = new Map<string, [string, MemberSpec][]>();
  for (const [name, m] of Object.entries(members)) {
    const group = groupOf(m.spec.config);
    if (group === null) {
      out[name] = m.spec;
      continue;
    }
    groups.set(group, [...(groups.get(group) ?? []), [name, m]]);
  }
  for (const [group, list] of groups) {
    if (members[group] !== undefined) throw new GroupError('name-taken', `x-bricks.group '${group}' has the name of a service; name the group differently`);
    const noEntry = list.filter(([, m]) => m.entry === null).map(([n]) => n);
    if (noEntry.length > 0) {
      throw new GroupError('no-node-entry', `${noEntry.join(', ')} in x-bricks.group '${group}' has no Node entry module (set x-bricks.entry): only Node services can share a process`);
    }
    const names = list.map(([n]) => n);
    const configs = list.map(([, m]) => m.spec.config);
    const first = configs[0] as Service;
    const environment: Record<string, string> = {};
    // Members' variables in file order; a variable set by two members keeps the first value.
    for (const c of configs) for (const [k, v] of Object.entries(c.environment)) if (!(k in environment)) environment[k] = v;
    environment[GROUP_ENTRIES_VARIABLE] = JSON.stringify(list.map(([, m]) => m.entry));
    environment[SERVICES_VARIABLE] = names.join(',');
    const dependsOn: Dependency[] = [];
    for (const c of configs) for (const d of c.dependsOn) if (!names.includes(d.service) && !dependsOn.some((x) => x.service === d.service)) dependsOn.push(d);
    const config: Service = {
      ...first,
      name: group,
      environment,
      // The unit runs as many replicas as its largest member asks for, and waits for the slowest to stop.
      replicas: Math.max(...configs.map((c) => localSettings(c).replicas)),
      stopGracePeriodMs: Math.max(...configs.map((c) => localSettings(c).stopGracePeriodMs)),
      dependsOn,
      // The one process holds every member's secrets, and answers every member's rules.
      secrets: mergedSecrets(configs),
      bricks: { ...first.bricks, group, ...mergedAuth(configs), ...mergedRotation(configs) },
    };
    const version = createHash('sha256')
      .update(JSON.stringify(list.map(([n, m]) => [n, m.spec.version])))
      .digest('hex')
      .slice(0, 16);
    out[group] = {
      config,
      command: { kind: 'argv', argv: [process.execPath, ...nodeFlags, GROUP_LAUNCHER] },
      cwd: list[0]?.[1].spec.cwd ?? first.workingDir,
      version,
      members: names,
      ...(list[0]?.[1].spec.failureAction === undefined ? {} : { failureAction: list[0]?.[1].spec.failureAction }),
    };
  }
  return out;
}

/** Every member's secret files; two members mounting the same target must mean the same secret. */
function mergedSecrets(configs: readonly Service[]): Service['secrets'] {
  const byTarget = new Map<string, Service['secrets'][number]>();
  for (const c of configs) {
    for (const m of c.secrets) {
      const seen = byTarget.get(m.target);
      if (seen !== undefined && seen.source !== m.source) {
        throw new GroupError('name-taken', `${c.name} mounts secret ${m.source} at ${m.target}, where another member of x-bricks.group '${c.bricks.group ?? ''}' mounts ${seen.source}: give one a different target`);
      }
      byTarget.set(m.target, m);
    }
  }
  return [...byTarget.values()];
}

/** The members' rules together (they name distinct methods); the first issuer and audience set win. */
function mergedAuth(configs: readonly Service[]): Pick<Service['bricks'], 'auth'> {
  const specs = configs.map((c) => c.bricks.auth).filter((a) => a !== undefined);
  if (specs.length === 0) return {};
  const methods = Object.assign({}, ...specs.map((a) => a.methods ?? {})) as NonNullable<Service['bricks']['auth']>['methods'];
  const base = Object.assign({}, ...[...specs].reverse().map(({ methods: _m, ...rest }) => rest)) as NonNullable<Service['bricks']['auth']>;
  return { auth: { ...base, ...(methods === undefined || Object.keys(methods).length === 0 ? {} : { methods }) } };
}

/** One process rereads in place only if every member says it can. */
function mergedRotation(configs: readonly Service[]): Pick<Service['bricks'], 'secretRotation'> {
  if (!configs.some((c) => c.secrets.length > 0)) return {};
  return { secretRotation: configs.every((c) => c.secrets.length === 0 || c.bricks.secretRotation === 'in-place') ? 'in-place' : 'restart' };
}
