// A supervisor over fakes, for its tests: a runtime without processes, health without probes,
// routes without sockets and a clock moved by hand, all writing to one journal. The test
// applies specs, moves the world, and reads the journal and the events.
import type { Service, Stack } from '../../../stack/model.ts';
import { serviceFrom, stackOf } from '../../../stack/testing/stacks.ts';
import { EventBus } from '../../events.ts';
import type { PlatformEvent } from '../../api/contract/index.ts';
import { FakeHealth } from '../../health/testing/fake-health.ts';
import type { FailureAction } from '../../reconciler/index.ts';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.ts';
import type { LogLine } from '../../api/contract/index.ts';
import { Supervisor } from '../supervisor.ts';
import { FakeClock } from './fake-clock.ts';
import { FakeRoutes } from './fake-routes.ts';

/**
 * A service as the stack parser makes it from a small Compose map with small numbers that tests
 * can step through; `over` sets model fields after parsing (replicas, say).
 */
export function service(name: string, over: Partial<Service> = {}, updateConfig: Record<string, unknown> = {}): Service {
  const parsed = serviceFrom(name, {
    working_dir: '/app',
    stop_grace_period: '5s',
    // monitor 0 unless a test asks: a rollout is done once its last replica is ready.
    deploy: { update_config: { monitor: '0s', ...updateConfig } },
    'x-bricks': {
      run: ['node', `${name}.js`],
      health: { ready: '/ready', live: '/live', interval: '1s', timeout: '1s', retries: 3, start_interval: '100ms' },
    },
  }, '/app');
  return { ...parsed, ...over };
}

export class World {
  readonly journal: string[] = [];
  readonly clock = new FakeClock();
  readonly runtime = new FakeRuntime(this.journal);
  readonly health = new FakeHealth();
  readonly routes: FakeRoutes;
  readonly events: PlatformEvent[] = [];
  readonly logs: LogLine[] = [];
  readonly supervisor: Supervisor;
  private readonly stack: Stack;

  /** `others`: more services of the same stack, which `applyAll` brings up beside `config`. */
  constructor(
    readonly config: Service,
    private readonly others: readonly Service[] = [],
  ) {
    const all = [config, ...others];
    this.routes = new FakeRoutes(all.map((s) => s.name), this.journal);
    this.stack = stackOf('/app', all, 'test');
    const bus = new EventBus<PlatformEvent>();
    bus.subscribe((e) => this.events.push(e));
    this.supervisor = new Supervisor({
      stack: this.stack,
      addresses: Object.fromEntries(all.map((s, i) => [s.name, 7_000 + i])),
      scale: {},
      routes: this.routes,
      runtime: this.runtime,
      health: this.health,
      logs: { add: (line) => this.logs.push(line) },
      events: bus,
      discoveryUrl: 'http://127.0.0.1:6999/v1/discovery',
      clock: this.clock,
    });
  }

  /** Desired state: the service at this version (a config change is a new version). */
  async apply(version: string, config: Service = this.config, failureAction?: FailureAction): Promise<void> {
    const spec = { config, command: config.run ?? { kind: 'argv' as const, argv: [] }, cwd: config.workingDir, version, ...(failureAction === undefined ? {} : { failureAction }) };
    this.supervisor.apply({ ...this.stack, services: { [config.name]: config } }, { [config.name]: spec });
    await this.clock.settle();
  }

  /** Desired state: every service of the world at this version. */
  async applyAll(version: string): Promise<void> {
    const all = [this.config, ...this.others];
    const specs = Object.fromEntries(all.map((c) => [c.name, { config: c, command: c.run ?? { kind: 'argv' as const, argv: [] }, cwd: c.workingDir, version }]));
    this.supervisor.apply(this.stack, specs);
    await this.clock.settle();
  }

  /** Every replica the runtime runs passes a probe round, and the supervisor acts on it. */
  async allReady(): Promise<void> {
    for (const id of this.runtime.running()) if (this.health.watching(id)) this.health.pass(id);
    await this.clock.settle();
  }

  /** The events of one type, in order. */
  of<T extends PlatformEvent['type']>(type: T): Extract<PlatformEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<PlatformEvent, { type: T }> => e.type === type);
  }

  /** Journal lines that start with `prefix` ('start', 'shutdown', 'route', 'drain'). */
  steps(prefix: string): string[] {
    return this.journal.filter((line) => line.startsWith(`${prefix} `));
  }

  /** Forgets the journal and events so far: a test reads what comes next. */
  clear(): void {
    this.journal.length = 0;
    this.events.length = 0;
  }
}
