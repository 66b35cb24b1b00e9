// A runtime without processes, for the supervisor's tests: every step a controller is asked
// to take is written to a journal, and the test says when a replica exits, fails to start,
// is slow to start, or ignores being asked to stop.
import type { Exit, ReplicaController, ReplicaOutput, ReplicaRuntime, ReplicaSpec, Stream } from '../port.ts';

/** What the test said about replicas to come, and where steps are written: shared with each controller. */
interface Knobs {
  readonly journal: string[];
  readonly failing: Map<string, string>;
  readonly held: Set<string>;
  readonly stubborn: Set<string>;
  nextPort: number;
  nextPid: number;
}

export class FakeRuntime implements ReplicaRuntime {
  private readonly replicas = new Map<string, FakeReplica>();
  private readonly knobs: Knobs;

  /** `journal` is shared with the other fakes, so a test reads one order of everything. */
  constructor(journal: string[] = []) {
    this.knobs = { journal, failing: new Map(), held: new Set(), stubborn: new Set(), nextPort: 41_000, nextPid: 5_000 };
  }

  controller(spec: ReplicaSpec, output: ReplicaOutput): ReplicaController {
    const replica = new FakeReplica(spec, output, this.knobs);
    this.replicas.set(spec.id, replica);
    return replica;
  }

  /** The replica's controller; throws if the supervisor never asked for one. */
  replica(id: string): FakeReplica {
    const r = this.replicas.get(id);
    if (r === undefined) throw new Error(`no replica ${id}; there are ${[...this.replicas.keys()].join(', ')}`);
    return r;
  }

  /** Ids of the replicas running now, in the order they were created. */
  running(): string[] {
    return [...this.replicas.values()].filter((r) => r.state === 'running').map((r) => r.spec.id);
  }

  /** That replica's start fails, as a program that does not exist would. */
  failStart(id: string, error = 'could not start: no such file'): void {
    this.knobs.failing.set(id, error);
  }

  /** That replica's start is under way until the test calls `release()` on it. */
  holdStart(id: string): void {
    this.knobs.held.add(id);
  }

  /** That replica ignores shutdown (a process that traps SIGTERM): only terminate ends it. */
  ignoreShutdown(id: string): void {
    this.knobs.stubborn.add(id);
  }
}

export type FakeReplicaState = 'created' | 'prepared' | 'starting' | 'running' | 'exited' | 'failed';

export class FakeReplica implements ReplicaController {
  state: FakeReplicaState = 'created';
  port: number | null = null;
  pid: number | null = null;
  env: Readonly<Record<string, string>> = {};
  private readonly exited: Promise<Exit>;
  private resolveExit: (exit: Exit) => void = () => undefined;
  private releaseStart: () => void = () => undefined;

  constructor(
    readonly spec: ReplicaSpec,
    private readonly output: ReplicaOutput,
    private readonly knobs: Knobs,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  async prepare(): Promise<{ port: number }> {
    this.step('prepare');
    this.port = this.knobs.nextPort++;
    this.state = 'prepared';
    return { port: this.port };
  }

  async start(env: Readonly<Record<string, string>>): Promise<{ pid: number }> {
    this.step('start');
    this.env = env;
    const failure = this.knobs.failing.get(this.spec.id);
    if (failure !== undefined) {
      this.state = 'failed';
      throw new Error(failure);
    }
    this.state = 'starting';
    if (this.knobs.held.has(this.spec.id)) await new Promise<void>((resolve) => (this.releaseStart = resolve));
    this.pid = this.knobs.nextPid++;
    this.state = 'running';
    return { pid: this.pid };
  }

  wait(): Promise<Exit> {
    return this.exited;
  }

  async shutdown(): Promise<void> {
    this.step('shutdown');
    if (!this.knobs.stubborn.has(this.spec.id)) this.exit(null, 'SIGTERM');
    await this.exited;
  }

  async terminate(): Promise<void> {
    this.step('terminate');
    this.exit(null, 'SIGKILL');
    await this.exited;
  }

  /** A held start completes. */
  release(): void {
    this.releaseStart();
  }

  /** The process ends: on its own (a crash, a clean finish) or as a stop step's effect. */
  exit(code: number | null, signal: string | null = null): void {
    if (this.state !== 'running') return;
    this.state = 'exited';
    this.step(`exit ${signal ?? `code ${code}`}`);
    this.resolveExit({ code, signal });
  }

  say(line: string, stream: Stream = 'stdout'): void {
    this.output.line(stream, line);
  }

  /** The replica's ready notice (BRICKS_NOTIFY_FD in the process runtime). */
  notifyReady(): void {
    this.output.ready();
  }

  private step(what: string): void {
    this.knobs.journal.push(`${what} ${this.spec.id}`);
  }
}
