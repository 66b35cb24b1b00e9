// The supervisor: keeps each service's observed state, runs the reconciler when a service is
// marked, and carries out the actions with the runtime, the probes and the proxies.
// Events only mark; `tick` decides; the runtime acts and reports back as events.
import { createHash } from 'node:crypto';
import type { Command, Service, Stack } from '../../stack/model.ts';
import type { PlatformEvent, ServiceStatus } from '../api/contract/index.ts';
import type { EventBus } from '../events.ts';
import { Prober } from '../health/index.ts';
import type { ServiceProxy } from '../proxy/index.ts';
import { applyEvent, emptyServiceState, isActive, plan, serviceCondition } from '../reconciler/index.ts';
import type { Action, FailureAction, Replica, ReplicaEvent, Rollout, ServiceCondition, ServiceState, ServiceTarget } from '../reconciler/index.ts';
import { freePort, spawnReplica, stopReplica } from '../runtime/index.ts';
import type { ChildReplica, Reaper } from '../runtime/index.ts';
import type { LogStore } from '../telemetry/logs.ts';
import { replicaEnvironment } from './environment.ts';
import { statusOf } from './status-view.ts';
import { updatePolicy } from './update-policy.ts';
import { VersionFeed } from './version-feed.ts';

/** What one service should run: its configuration, the program, and the version that names both. */
export interface ServiceSpec {
  readonly config: Service;
  readonly command: Command;
  readonly cwd: string;
  /** Replicas of another version are replaced by a rolling update. */
  readonly version: string;
  /** Overrides update_config's failure_action: a rollback is never itself rolled back. */
  readonly failureAction?: FailureAction;
  /** The services this unit's replicas serve (an `x-bricks.group`); default: itself. */
  readonly members?: readonly string[];
}

export interface SupervisorOptions {
  readonly stack: Stack;
  /** Mutable: the daemon adds the address of a service a deploy brings. */
  readonly addresses: Record<string, number>;
  readonly scale: Readonly<Record<string, number>>;
  readonly proxies: ReadonlyMap<string, ServiceProxy>;
  readonly reaper: Reaper;
  readonly logs: LogStore;
  /** The daemon's event bus: the supervisor tells it what it does. */
  readonly events: EventBus<PlatformEvent>;
  readonly discoveryUrl: string;
  readonly now?: () => number;
}

/** Per replica, what only the runtime knows: the process and its prober. */
interface Running {
  child: ChildReplica | null;
  prober: Prober | null;
  lastProbe: string;
}

/** How stale a restart token may be: `bricks restart` bumps it so every replica is replaced. */
type Tokens = Record<string, number>;

export class Supervisor {
  private readonly states = new Map<string, ServiceState>();
  private readonly specs = new Map<string, ServiceSpec>();
  /** Services a deploy removed: their replicas are stopping; the state goes once they are gone. */
  private readonly leaving = new Set<string>();
  private readonly running = new Map<string, Running>();
  private readonly dirty = new Set<string>();
  private readonly wakeTimers = new Map<string, NodeJS.Timeout>();
  private readonly conditions = new Map<string, ServiceCondition>();
  private readonly restartTokens: Tokens = {};
  private scale: Record<string, number>;
  private scheduled = false;
  private stopping = false;
  private readonly discoveryFeed = new VersionFeed();
  private readonly idleWaiters = new Set<() => void>();
  private readonly now: () => number;

  private currentStack: Stack;

  constructor(private readonly options: SupervisorOptions) {
    this.scale = { ...options.scale };
    this.now = options.now ?? Date.now;
    this.currentStack = options.stack;
  }

  /** The daemon's event bus, which the supervisor emits on. */
  get events(): EventBus<PlatformEvent> {
    return this.options.events;
  }

  /** The stack of the desired state (the last one applied). */
  get stack(): Stack {
    return this.currentStack;
  }

  /**
   * Sets the desired state. Services whose version did not change are left alone (same
   * processes); others roll; services no longer listed are stopped and forgotten.
   */
  apply(stack: Stack, specs: Readonly<Record<string, ServiceSpec>>): void {
    this.currentStack = stack;
    for (const [name, spec] of Object.entries(specs)) {
      this.specs.set(name, spec);
      this.leaving.delete(name);
      if (!this.states.has(name)) this.states.set(name, emptyServiceState(name));
      this.mark(name);
    }
    for (const name of this.states.keys()) {
      if (specs[name] === undefined) {
        this.leaving.add(name);
        this.mark(name);
      }
    }
  }

  spec(name: string): ServiceSpec | undefined {
    return this.specs.get(name);
  }

  services(): string[] {
    return [...this.states.keys()];
  }

  rollout(name: string): Rollout | null {
    return this.states.get(name)?.rollout ?? null;
  }

  /** The services a unit serves. */
  membersOf(unit: string): readonly string[] {
    return this.specs.get(unit)?.members ?? [unit];
  }

  /** The unit that runs a service: its group, or itself. */
  unitOf(service: string): string {
    for (const [unit, spec] of this.specs) if (spec.members?.includes(service) === true) return unit;
    return service;
  }

  desiredReplicas(name: string): number {
    if (this.stopping || this.leaving.has(name)) return 0;
    return this.scale[name] ?? this.service(name).replicas;
  }

  setScale(service: string, replicas: number): void {
    const name = this.unitOf(service);
    this.service(name); // throws for an unknown service
    this.scale[name] = replicas;
    this.events.emit({ type: 'scaled', service: name, replicas, at: this.now() });
    this.mark(name);
  }

  scaleOverrides(): Readonly<Record<string, number>> {
    return this.scale;
  }

  /** Rolling restart: every replica of the service is replaced, the update policy's way. */
  restart(service: string): void {
    const name = this.unitOf(service);
    this.service(name);
    this.restartTokens[name] = (this.restartTokens[name] ?? 0) + 1;
    this.events.emit({ type: 'restarting', service: name, at: this.now() });
    // A service that gave up is given a fresh start too.
    const state = this.states.get(name);
    if (state !== undefined) this.states.set(name, { ...state, slots: {} });
    this.mark(name);
  }

  /** Stops every replica (drain, SIGTERM, SIGKILL after grace); resolves when none is left. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.events.emit({ type: 'platform', state: 'stopping', at: this.now() });
    for (const name of this.states.keys()) this.mark(name);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if ([...this.states.values()].every((s) => s.replicas.length === 0)) {
          this.idleWaiters.delete(check);
          resolve();
        }
      };
      this.idleWaiters.add(check);
      check();
    });
    for (const t of this.wakeTimers.values()) clearTimeout(t);
  }

  status(): ServiceStatus[] {
    return [...this.states.values()].map((state) => {
      const members = this.membersOf(state.name).map((m) => ({ name: m, address: this.address(m) }));
      const version = this.specs.get(state.name)?.version ?? '';
      return statusOf(state, this.desiredReplicas(state.name), members, version, (id) => this.running.get(id)?.lastProbe ?? '');
    });
  }

  address(name: string): string {
    return `http://127.0.0.1:${this.options.addresses[name]}`;
  }

  /** Ready endpoints per service, for SDK clients. */
  discovery(): { version: number; services: Record<string, { address: string; endpoints: { id: string; url: string }[] }> } {
    const services: Record<string, { address: string; endpoints: { id: string; url: string }[] }> = {};
    for (const state of this.states.values()) {
      const routed = new Set(state.routed);
      const endpoints = state.replicas
        .filter((r) => routed.has(r.id) && r.port !== null)
        .map((r) => ({ id: r.id, url: `http://127.0.0.1:${r.port}` }));
      for (const member of this.membersOf(state.name)) services[member] = { address: this.address(member), endpoints };
    }
    return { version: this.discoveryFeed.version, services };
  }

  /** Resolves when the discovery version differs from `version`, or after `timeoutMs`. */
  waitForDiscovery(version: number, timeoutMs: number): Promise<void> {
    return this.discoveryFeed.changedFrom(version, timeoutMs);
  }

  private service(name: string): Service {
    const s = this.specs.get(name)?.config;
    if (s === undefined) throw new Error(`no service '${name}' in ${this.currentStack.file}`);
    return s;
  }

  private mark(name: string): void {
    this.dirty.add(name);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.tick());
  }

  private tick(): void {
    this.scheduled = false;
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) {
      const state = this.states.get(name);
      if (state === undefined || !this.specs.has(name)) continue;
      const result = plan(state, this.target(name), this.now());
      this.states.set(name, result.state);
      for (const action of result.actions) this.act(name, action);
      if (this.leaving.has(name) && result.state.replicas.length === 0) {
        this.forget(name);
        continue;
      }
      this.noteCondition(name);
    }
    for (const w of [...this.idleWaiters]) w();
  }

  private forget(name: string): void {
    this.states.delete(name);
    this.specs.delete(name);
    this.leaving.delete(name);
    this.conditions.delete(name);
    this.events.emit({ type: 'service-removed', service: name, at: this.now() });
  }

  private target(name: string): ServiceTarget {
    const spec = this.specs.get(name);
    if (spec === undefined) throw new Error(`no spec for ${name}`);
    const s = spec.config;
    const update = updatePolicy(s);
    return {
      replicas: this.desiredReplicas(name),
      version: withRestartToken(spec.version, this.restartTokens[name] ?? 0),
      restart: s.restart,
      health: s.health,
      stopGracePeriodMs: s.stopGracePeriodMs,
      update: spec.failureAction === undefined ? update : { ...update, failureAction: spec.failureAction },
      canStart: !this.stopping && !this.leaving.has(name) && this.dependenciesMet(s),
    };
  }

  private dependenciesMet(s: Service): boolean {
    return s.dependsOn.every((dep) => {
      const state = this.states.get(this.unitOf(dep.service));
      if (state === undefined) return true;
      if (dep.condition === 'service_healthy') return state.replicas.some((r) => isActive(r) && r.ready);
      return state.replicas.some((r) => r.phase === 'running') || Object.values(state.slots).some((x) => x.completed);
    });
  }

  private act(service: string, action: Action): void {
    switch (action.type) {
      case 'route':
        return this.route(service, action.replicaIds);
      case 'start':
        void this.startReplica(action.replica);
        return;
      case 'stop':
        void this.stopReplica(action.replica, action.reason, action.graceMs);
        return;
      case 'wake':
        return this.wakeAt(service, action.at);
      case 'rollout':
        this.events.emit({ type: 'rollout', service, version: action.version, state: action.state, reason: action.reason, at: this.now() });
        return;
    }
  }

  private route(service: string, ids: readonly string[]): void {
    const state = this.states.get(service);
    const endpoints = (state?.replicas ?? [])
      .filter((r) => ids.includes(r.id) && r.port !== null)
      .map((r) => ({ id: r.id, host: '127.0.0.1', port: r.port ?? 0 }));
    for (const member of this.membersOf(service)) this.options.proxies.get(member)?.setEndpoints(endpoints);
    this.discoveryFeed.bump();
    this.events.emit({ type: 'routes', service, endpoints: ids, at: this.now() });
    // Dependents may be waiting for this service to become healthy.
    const members = this.membersOf(service);
    for (const [name, spec] of this.specs) {
      if (spec.config.dependsOn.some((d) => members.includes(d.service))) this.mark(name);
    }
  }

  private wakeAt(service: string, at: number): void {
    const existing = this.wakeTimers.get(service);
    if (existing !== undefined) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.wakeTimers.delete(service);
      this.mark(service);
    }, Math.max(0, at - this.now()));
    this.wakeTimers.set(service, timer);
  }

  private report(service: string, event: ReplicaEvent): void {
    const state = this.states.get(service);
    if (state === undefined) return;
    const s = this.specs.get(service)?.config;
    if (s === undefined) return;
    const before = state.replicas.find((r) => r.id === event.replicaId);
    const after = applyEvent(state, event, { restart: s.restart, health: s.health });
    this.states.set(service, after);
    const replica = after.replicas.find((r) => r.id === event.replicaId);
    if (before !== undefined && replica !== undefined && before.ready !== replica.ready) {
      this.events.emit(
        replica.ready
          ? { type: 'replica-ready', service, replica: replica.name, at: event.at }
          : { type: 'replica-unready', service, replica: replica.name, detail: this.running.get(replica.id)?.lastProbe ?? '', at: event.at },
      );
    }
    // Probe results that change nothing do not need a tick.
    if (event.type !== 'probe' || before?.ready !== replica?.ready || (replica?.liveness.failures ?? 0) > 0) this.mark(service);
  }

  private async startReplica(replica: Replica): Promise<void> {
    const spec = this.specs.get(replica.service);
    if (spec === undefined) return;
    const s = spec.config;
    const entry: Running = { child: null, prober: null, lastProbe: '' };
    this.running.set(replica.id, entry);
    this.events.emit({ type: 'replica-starting', service: s.name, replica: replica.name, at: this.now() });
    try {
      const port = await freePort();
      const env = replicaEnvironment({
        stack: this.options.stack,
        service: s,
        replica: replica.name,
        port,
        addresses: this.options.addresses,
        discoveryUrl: this.options.discoveryUrl,
      });
      const child = await spawnReplica(
        { command: spec.command, env, cwd: spec.cwd },
        {
          line: (stream, line) => this.options.logs.add({ time: Date.now(), service: s.name, replica: replica.name, stream, line }),
          // The replica says it is ready: probe now rather than at the next start_interval.
          ready: () => entry.prober?.probeNow(),
        },
      );
      entry.child = child;
      await this.options.reaper.add(child.pid);
      this.events.emit({ type: 'replica-started', service: s.name, replica: replica.name, pid: child.pid, port, at: this.now() });
      this.report(s.name, { type: 'spawned', replicaId: replica.id, pid: child.pid, port, at: this.now() });
      const prober = new Prober(s.health, { host: '127.0.0.1', port, env, cwd: spec.cwd }, (check, result) => {
        entry.lastProbe = result.ok ? 'ok' : result.detail;
        this.report(s.name, { type: 'probe', replicaId: replica.id, check, ok: result.ok, at: this.now() });
      });
      entry.prober = prober;
      // A stop may already have been decided while we were spawning.
      if (this.states.get(s.name)?.replicas.find((r) => r.id === replica.id)?.phase === 'running') prober.start();
      const exit = await child.exited;
      prober.stop();
      await this.options.reaper.remove(child.pid);
      this.running.delete(replica.id);
      const current = this.states.get(s.name)?.replicas.find((r) => r.id === replica.id);
      this.events.emit({
        type: 'replica-exited',
        service: s.name,
        replica: replica.name,
        code: exit.code,
        signal: exit.signal,
        expected: current?.phase === 'stopping' && current.stopReason !== 'liveness',
        at: this.now(),
      });
      this.report(s.name, { type: 'exited', replicaId: replica.id, code: exit.code, signal: exit.signal, at: this.now() });
    } catch (err) {
      this.running.delete(replica.id);
      const message = err instanceof Error ? err.message : String(err);
      this.events.emit({ type: 'replica-failed-to-start', service: s.name, replica: replica.name, error: message, at: this.now() });
      this.report(s.name, { type: 'spawn-failed', replicaId: replica.id, error: message, at: this.now() });
    }
  }

  private async stopReplica(replica: Replica, reason: Replica['stopReason'] & string, graceMs: number): Promise<void> {
    this.events.emit({ type: 'replica-stopping', service: replica.service, replica: replica.name, reason, at: this.now() });
    const entry = this.running.get(replica.id);
    entry?.prober?.stop();
    // Routing already left this replica; let what it is serving finish, within the grace period.
    if (reason !== 'liveness') {
      const proxies = this.membersOf(replica.service).flatMap((m) => this.options.proxies.get(m) ?? []);
      await Promise.all(proxies.map((p) => p.drained(replica.id, graceMs)));
    }
    const child = entry?.child;
    if (child === null || child === undefined) return; // still spawning: startReplica sees `stopping`
    await stopReplica(child, graceMs);
  }

  private noteCondition(name: string): void {
    const state = this.states.get(name);
    if (state === undefined) return;
    const condition = serviceCondition(state, this.desiredReplicas(name));
    if (this.conditions.get(name) !== condition) {
      this.conditions.set(name, condition);
      this.events.emit({ type: 'service-condition', service: name, condition, at: this.now() });
    }
  }
}

/** `bricks restart` makes a new version of the same spec, so the rollout machinery replaces every replica. */
export function withRestartToken(version: string, token: number): string {
  return token === 0 ? version : `${version}~restart${token}`;
}

/** Whether a rollout's version is this spec version, with or without a restart token. */
export function isVersionOf(rolloutVersion: string, specVersion: string | null | undefined): boolean {
  return specVersion !== null && specVersion !== undefined && (rolloutVersion === specVersion || rolloutVersion.startsWith(`${specVersion}~`));
}

/** A version of a service's configuration: a change of it rolls the service. */
export function configDigest(s: Service): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 12);
}
