// The supervisor: keeps each service's observed state, runs the reconciler when a service is
// marked, and carries out the actions through its ports: the runtime and the health watcher
// (by way of the replica runner), the routes, and the clock.
// Events only mark; `tick` decides; the runtime acts and reports back as events.
import type { Service, Stack } from '../../stack/model.ts';
import type { PlatformEvent, ServiceStatus } from '../api/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { HealthWatcher } from '../health/index.ts';
import { applyEvent, emptyServiceState, plan, serviceCondition } from '../reconciler/index.ts';
import type { Action, Replica, ReplicaEvent, Rollout, ServiceCondition, ServiceState, ServiceTarget } from '../reconciler/index.ts';
import type { ReplicaRuntime } from '../runtime/index.ts';
import type { ReplicaFolders } from '../secrets/replica-files.ts';
import type { Cancel, Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { connectionUrl } from '../../stack/backing.ts';
import { localAutoscale, localSettings } from '../local-defaults.ts';
import type { ScalableUnit } from './autoscaler.ts';
import { replicaEnvironment } from './environment.ts';
import { ReplicaRunner } from './replica-runner.ts';
import type { LogSink } from './replica-runner.ts';
import type { Routes, ServiceRoute } from './routing.ts';
import { dependenciesMet, serviceTarget } from './service-spec.ts';
import type { ServiceSpec } from './service-spec.ts';
import { statusOf } from './status-view.ts';
import { VersionFeed } from './version-feed.ts';

export interface SupervisorOptions {
  readonly stack: Stack;
  /** Mutable: the daemon adds the address of a service a deploy brings. */
  readonly addresses: Record<string, number>;
  readonly scale: Readonly<Record<string, number>>;
  /** Each service address's routing (the daemon's proxies); a deploy may add one later. */
  readonly routes: Routes;
  readonly runtime: ReplicaRuntime;
  readonly health: HealthWatcher;
  readonly logs: LogSink;
  /** The daemon's event bus: the supervisor tells it what it does. */
  readonly events: EventBus<PlatformEvent>;
  readonly discoveryUrl: string;
  /** Where replicas export spans (OTLP/HTTP): the daemon's receiver. */
  readonly otlpEndpoint?: string;
  /** Writes each replica's secret files and identity tokens before it starts (none when absent). */
  readonly files?: ReplicaFilesPort;
  /** The identity issuer replicas verify their callers against. */
  readonly identityIssuer?: string;
  /** Real time unless a test drives it. */
  readonly clock?: Clock;
}

/** The part of secrets/replica-files.ts the supervisor uses. */
export interface ReplicaFilesPort {
  prepare(replicaId: string, unit: Service, services: readonly string[]): Promise<ReplicaFolders>;
  release(replicaId: string): Promise<void>;
}

/** Per unit, how many times `bricks restart` asked for every replica to be replaced (a new version each time). */
type Tokens = Record<string, number>;

export class Supervisor {
  private readonly states = new Map<string, ServiceState>();
  private readonly specs = new Map<string, ServiceSpec>();
  /** Services a deploy removed: their replicas are stopping; the state goes once they are gone. */
  private readonly leaving = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly wakeTimers = new Map<string, Cancel>();
  private readonly conditions = new Map<string, ServiceCondition>();
  private readonly restartTokens: Tokens = {};
  private scale: Record<string, number>;
  /** What the autoscaler last set, and why, per autoscaled unit. */
  private readonly scaledBy = new Map<string, { readonly replicas: number; readonly reason: string }>();
  private scheduled = false;
  private stopping = false;
  private readonly discoveryFeed: VersionFeed;
  private readonly idleWaiters = new Set<() => void>();
  private readonly clock: Clock;
  private readonly runner: ReplicaRunner;

  private currentStack: Stack;

  constructor(private readonly options: SupervisorOptions) {
    this.scale = { ...options.scale };
    this.clock = options.clock ?? systemClock;
    this.discoveryFeed = new VersionFeed(this.clock);
    this.currentStack = options.stack;
    this.runner = new ReplicaRunner({
      runtime: options.runtime,
      health: options.health,
      logs: options.logs,
      events: options.events,
      clock: this.clock,
      report: (service, event) => this.report(service, event),
      current: (replica) => this.states.get(replica.service)?.replicas.find((r) => r.id === replica.id),
    });
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
    if (this.leaving.has(name)) return 0;
    // Compose's order on the way down: a unit stops once no unit that depends on it runs, so a
    // database outlives the services that write to it (and they drain against it).
    if (this.stopping && !this.hasRunningDependents(name)) return 0;
    const config = this.service(name);
    // An autoscaled unit runs what the autoscaler says; before its first word, its floor.
    const autoscale = config.bricks.autoscale;
    if (autoscale !== undefined) return this.scaledBy.get(name)?.replicas ?? localAutoscale(autoscale, localSettings(config).replicas).min;
    return this.scale[name] ?? localSettings(config).replicas;
  }

  /** Whether a unit with replicas left depends on one of this unit's services. */
  private hasRunningDependents(name: string): boolean {
    const members = this.membersOf(name);
    for (const [unit, spec] of this.specs) {
      if (unit === name || (this.states.get(unit)?.replicas.length ?? 0) === 0) continue;
      if (spec.config.dependsOn.some((d) => members.includes(d.service))) return true;
    }
    return false;
  }

  setScale(service: string, replicas: number): void {
    const name = this.unitOf(service);
    this.service(name); // throws for an unknown service
    this.scale[name] = replicas;
    this.events.emit({ type: 'scaled', service: name, replicas, reason: 'bricks scale', at: this.clock.now() });
    this.mark(name);
  }

  /** The units whose replica count the autoscaler sets (daemon/autoscaler.ts). */
  autoscaled(): ScalableUnit[] {
    const out: ScalableUnit[] = [];
    for (const [unit, spec] of this.specs) {
      const autoscale = spec.config.bricks.autoscale;
      if (autoscale === undefined || this.leaving.has(unit)) continue;
      const pids = (this.states.get(unit)?.replicas ?? []).flatMap((r) => (r.pid === null ? [] : [r.pid]));
      out.push({ unit, members: this.membersOf(unit), autoscale, replicas: localSettings(spec.config).replicas, desired: this.desiredReplicas(unit), pids });
    }
    return out;
  }

  setAutoscaled(unit: string, replicas: number, reason: string): void {
    if (!this.specs.has(unit)) return;
    this.scaledBy.set(unit, { replicas, reason });
    this.events.emit({ type: 'scaled', service: unit, replicas, reason, at: this.clock.now() });
    this.mark(unit);
  }

  scaleOverrides(): Readonly<Record<string, number>> {
    return this.scale;
  }

  /** Rolling restart: every replica of the service is replaced, the update policy's way. */
  restart(service: string): void {
    const name = this.unitOf(service);
    this.service(name);
    this.restartTokens[name] = (this.restartTokens[name] ?? 0) + 1;
    this.events.emit({ type: 'restarting', service: name, at: this.clock.now() });
    // A service that gave up is given a fresh start too.
    const state = this.states.get(name);
    if (state !== undefined) this.states.set(name, { ...state, slots: {} });
    this.mark(name);
  }

  /** Stops every replica (drain, SIGTERM, SIGKILL after grace); resolves when none is left. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.events.emit({ type: 'platform', state: 'stopping', at: this.clock.now() });
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
    for (const cancel of this.wakeTimers.values()) cancel();
  }

  status(): ServiceStatus[] {
    return [...this.states.values()].map((state) => {
      const members = this.membersOf(state.name).map((m) => ({ name: m, address: this.address(m) }));
      const spec = this.specs.get(state.name);
      const version = spec?.version ?? '';
      const autoscale = spec?.config.bricks.autoscale;
      const policy = autoscale === undefined || spec === undefined ? undefined : localAutoscale(autoscale, localSettings(spec.config).replicas);
      const scaling = policy === undefined ? null : { min: policy.min, max: policy.max, reason: this.scaledBy.get(state.name)?.reason ?? 'starting at the floor' };
      return statusOf(state, this.desiredReplicas(state.name), members, version, (id) => this.runner.lastProbe(id), scaling);
    });
  }

  /** A service's address as its clients get it (`<NAME>_URL`): a backing service's is its connection URL. */
  address(name: string): string {
    const port = this.options.addresses[name] ?? 0;
    const backing = this.specs.get(this.unitOf(name))?.config.backing;
    return backing === undefined ? `http://127.0.0.1:${port}` : connectionUrl(backing, '127.0.0.1', port);
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
    this.clock.soon(() => this.tick());
  }

  private tick(): void {
    this.scheduled = false;
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) {
      const state = this.states.get(name);
      if (state === undefined || !this.specs.has(name)) continue;
      const result = plan(state, this.target(name), this.clock.now());
      this.states.set(name, result.state);
      for (const action of result.actions) this.act(name, action);
      if (this.leaving.has(name) && result.state.replicas.length === 0) {
        this.forget(name);
        continue;
      }
      // Shutting down: the units this one depends on may be waiting for it to be gone.
      if (this.stopping && result.state.replicas.length === 0) for (const dep of this.specs.get(name)?.config.dependsOn ?? []) this.mark(this.unitOf(dep.service));
      this.noteCondition(name);
    }
    for (const w of [...this.idleWaiters]) w();
  }

  private forget(name: string): void {
    this.states.delete(name);
    this.specs.delete(name);
    this.leaving.delete(name);
    this.conditions.delete(name);
    this.events.emit({ type: 'service-removed', service: name, at: this.clock.now() });
  }

  private target(name: string): ServiceTarget {
    const spec = this.specs.get(name);
    if (spec === undefined) throw new Error(`no spec for ${name}`);
    return serviceTarget(spec, {
      replicas: this.desiredReplicas(name),
      restartToken: this.restartTokens[name] ?? 0,
      canStart: !this.stopping && !this.leaving.has(name) && dependenciesMet(spec.config, (dep) => this.states.get(this.unitOf(dep)), (dep) => this.specs.has(this.unitOf(dep)) ? this.desiredReplicas(this.unitOf(dep)) : 1),
    });
  }

  private act(service: string, action: Action): void {
    switch (action.type) {
      case 'route':
        return this.route(service, action.replicaIds);
      case 'start':
        return this.startReplica(action.replica);
      case 'stop':
        void this.runner.stop(action.replica, action.reason, action.graceMs, this.routesOf(action.replica.service));
        return;
      case 'wake':
        return this.wakeAt(service, action.at);
      case 'rollout':
        this.events.emit({ type: 'rollout', service, version: action.version, state: action.state, reason: action.reason, at: this.clock.now() });
        return;
    }
  }

  private route(service: string, ids: readonly string[]): void {
    const state = this.states.get(service);
    const endpoints = (state?.replicas ?? [])
      .filter((r) => ids.includes(r.id) && r.port !== null)
      .map((r) => ({ id: r.id, host: '127.0.0.1', port: r.port ?? 0 }));
    for (const route of this.routesOf(service)) route.setEndpoints(endpoints);
    this.discoveryFeed.bump();
    this.events.emit({ type: 'routes', service, endpoints: ids, at: this.clock.now() });
    // Dependents may be waiting for this service to become healthy.
    const members = this.membersOf(service);
    for (const [name, spec] of this.specs) {
      if (spec.config.dependsOn.some((d) => members.includes(d.service))) this.mark(name);
    }
  }

  /** The routes of the services a unit serves. */
  private routesOf(unit: string): ServiceRoute[] {
    return this.membersOf(unit).flatMap((m) => this.options.routes.get(m) ?? []);
  }

  private wakeAt(service: string, at: number): void {
    this.wakeTimers.get(service)?.();
    const cancel = this.clock.after(Math.max(0, at - this.clock.now()), () => {
      this.wakeTimers.delete(service);
      this.mark(service);
    });
    this.wakeTimers.set(service, cancel);
  }

  private report(service: string, event: ReplicaEvent): void {
    const state = this.states.get(service);
    if (state === undefined) return;
    const s = this.specs.get(service)?.config;
    if (s === undefined) return;
    const before = state.replicas.find((r) => r.id === event.replicaId);
    // Its files go with it: a replica that exited (or never ran) leaves no secret behind.
    if (event.type === 'exited' || event.type === 'spawn-failed') void this.options.files?.release(event.replicaId);
    const local = localSettings(s);
    const after = applyEvent(state, event, { restart: local.restart, health: local.health });
    this.states.set(service, after);
    const replica = after.replicas.find((r) => r.id === event.replicaId);
    if (before !== undefined && replica !== undefined && before.ready !== replica.ready) {
      this.events.emit(
        replica.ready
          ? { type: 'replica-ready', service, replica: replica.name, at: event.at }
          : { type: 'replica-unready', service, replica: replica.name, detail: this.runner.lastProbe(replica.id), at: event.at },
      );
    }
    // Probe results that change nothing do not need a tick.
    if (event.type !== 'probe' || before?.ready !== replica?.ready || (replica?.liveness.failures ?? 0) > 0) this.mark(service);
  }

  private startReplica(replica: Replica): void {
    const spec = this.specs.get(replica.service);
    if (spec === undefined) return;
    const s = spec.config;
    const files = this.options.files;
    const members = this.membersOf(replica.service);
    const environment = async (port: number): Promise<Record<string, string>> => {
      const folders = files === undefined ? undefined : await files.prepare(replica.id, s, members);
      return replicaEnvironment({
        stack: this.currentStack, service: s, replica: replica.name, port, addresses: this.options.addresses, discoveryUrl: this.options.discoveryUrl,
        ...(folders === undefined ? {} : { folders }),
        ...(this.options.identityIssuer === undefined ? {} : { identityIssuer: this.options.identityIssuer }),
        ...(this.options.otlpEndpoint === undefined ? {} : { otlpEndpoint: this.options.otlpEndpoint }),
      });
    };
    this.runner.start(replica, { command: spec.command, cwd: spec.cwd, health: localSettings(s).health }, environment);
  }

  private noteCondition(name: string): void {
    const state = this.states.get(name);
    if (state === undefined) return;
    const condition = serviceCondition(state, this.desiredReplicas(name));
    if (this.conditions.get(name) !== condition) {
      this.conditions.set(name, condition);
      this.events.emit({ type: 'service-condition', service: name, condition, at: this.clock.now() });
    }
  }
}
