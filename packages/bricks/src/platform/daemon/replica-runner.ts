// Carries out the reconciler's start and stop actions, one replica at a time: steps the
// replica's runtime controller, has its health watched, and tells the supervisor what happened
// as reconciler events. It decides nothing the reconciler decides; the grace period it keeps
// is the one the stop action carries.
import type { Command } from '../../stack/model.ts';
import type { PlatformEvent } from '../api/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { HealthWatch, HealthWatcher } from '../health/index.ts';
import type { HealthPolicy, Replica, ReplicaEvent, StopReason } from '../reconciler/index.ts';
import type { ReplicaController, ReplicaRuntime } from '../runtime/index.ts';
import type { LogLine } from '../api/contract/index.ts';
import type { Clock } from './clock.ts';
import { within } from './clock.ts';
import type { ServiceRoute } from './routing.ts';

/** Where replica output goes (the daemon's log store). */
export interface LogSink {
  add(line: LogLine): void;
}

export interface RunnerOptions {
  readonly runtime: ReplicaRuntime;
  readonly health: HealthWatcher;
  readonly logs: LogSink;
  readonly events: EventBus<PlatformEvent>;
  readonly clock: Clock;
  /** A fact for the reconciler: the supervisor applies it to the service's state. */
  readonly report: (service: string, event: ReplicaEvent) => void;
  /** The replica as the reconciler sees it now (a stop may be decided at any step). */
  readonly current: (replica: Replica) => Replica | undefined;
}

/** What a replica runs and how it is probed. */
export interface RunSpec {
  readonly command: Command;
  readonly cwd: string;
  readonly health: HealthPolicy;
}

/** Per replica, what only the runner knows. */
interface Run {
  readonly controller: ReplicaController;
  /** Whether it got to run, once its start is over: a stop decided meanwhile waits for it. */
  readonly started: Promise<boolean>;
  watch: HealthWatch | null;
  lastProbe: string;
}

/** Probes reach replicas where the runtime's ports are: on loopback. */
const REPLICA_HOST = '127.0.0.1';

export class ReplicaRunner {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly options: RunnerOptions) {}

  /** What the last probe of a replica said: 'ok', why it failed, or '' before any. */
  lastProbe(replicaId: string): string {
    return this.runs.get(replicaId)?.lastProbe ?? '';
  }

  /** Prepares, starts and watches the replica, and reports its exit. */
  start(replica: Replica, spec: RunSpec, environment: (port: number) => Record<string, string> | Promise<Record<string, string>>): void {
    const { logs, clock } = this.options;
    let started: (ran: boolean) => void = () => undefined;
    const run: Run = {
      controller: this.options.runtime.controller(
        { id: replica.id, command: spec.command, cwd: spec.cwd },
        {
          line: (stream, line) => logs.add({ time: clock.now(), service: replica.service, replica: replica.name, stream, line }),
          // The replica says it is ready: probe now rather than at the next start_interval.
          ready: () => run.watch?.probeNow(),
        },
      ),
      started: new Promise((resolve) => (started = resolve)),
      watch: null,
      lastProbe: '',
    };
    this.runs.set(replica.id, run);
    void this.life(replica, spec, run, environment, started);
  }

  /**
   * Drains the replica from the routes (it already left their endpoint sets), then asks it to
   * stop and terminates it if it is still there after the grace period. A liveness stop does
   * not drain: a replica that does not answer its probe is not finishing anything either.
   */
  async stop(replica: Replica, reason: StopReason, graceMs: number, routes: readonly ServiceRoute[]): Promise<void> {
    this.emit({ type: 'replica-stopping', service: replica.service, replica: replica.name, reason, at: this.now() });
    const run = this.runs.get(replica.id);
    run?.watch?.stop();
    if (reason !== 'liveness') await Promise.all(routes.map((r) => r.drained(replica.id, graceMs)));
    if (run === undefined || !(await run.started)) return;
    // Gone while it drained (a crash): its process group may no longer be ours to signal.
    if (this.runs.get(replica.id) !== run) return;
    const stopped = run.controller.shutdown();
    if (!(await within(this.options.clock, stopped, graceMs))) await run.controller.terminate();
  }

  private async life(
    replica: Replica,
    spec: RunSpec,
    run: Run,
    environment: (port: number) => Record<string, string> | Promise<Record<string, string>>,
    started: (ran: boolean) => void,
  ): Promise<void> {
    const service = replica.service;
    this.emit({ type: 'replica-starting', service, replica: replica.name, at: this.now() });
    let running: { port: number; pid: number; env: Record<string, string> };
    try {
      const { port } = await run.controller.prepare();
      const env = await environment(port);
      const { pid } = await run.controller.start(env);
      running = { port, pid, env };
    } catch (err) {
      started(false);
      this.runs.delete(replica.id);
      const error = err instanceof Error ? err.message : String(err);
      this.emit({ type: 'replica-failed-to-start', service, replica: replica.name, error, at: this.now() });
      this.options.report(service, { type: 'spawn-failed', replicaId: replica.id, error, at: this.now() });
      return;
    }
    const { port, pid, env } = running;
    this.emit({ type: 'replica-started', service, replica: replica.name, pid, port, at: this.now() });
    this.options.report(service, { type: 'spawned', replicaId: replica.id, pid, port, at: this.now() });
    // A stop may already have been decided while it was starting: then nothing is watched.
    if (this.options.current(replica)?.phase === 'running') {
      run.watch = this.options.health.watch({ replicaId: replica.id, health: spec.health, target: { host: REPLICA_HOST, port, env, cwd: spec.cwd } }, (check, result) => {
        run.lastProbe = result.ok ? 'ok' : result.detail;
        this.options.report(service, { type: 'probe', replicaId: replica.id, check, ok: result.ok, at: this.now() });
      });
    }
    started(true);
    const exit = await run.controller.wait();
    run.watch?.stop();
    this.runs.delete(replica.id);
    const current = this.options.current(replica);
    this.emit({
      type: 'replica-exited',
      service,
      replica: replica.name,
      code: exit.code,
      signal: exit.signal,
      expected: current?.phase === 'stopping' && current.stopReason !== 'liveness',
      at: this.now(),
    });
    this.options.report(service, { type: 'exited', replicaId: replica.id, code: exit.code, signal: exit.signal, at: this.now() });
  }

  private emit(event: PlatformEvent): void {
    this.options.events.emit(event);
  }

  private now(): number {
    return this.options.clock.now();
  }
}
