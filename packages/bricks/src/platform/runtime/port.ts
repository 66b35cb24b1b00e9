// The runtime port: what the supervisor asks of whatever runs its replicas, one controller per
// replica, in the steps of swarmkit's task controller (agent/exec/controller.go). Child
// processes implement it (process-runtime.ts); the supervisor's tests use a fake.
import type { Command } from '../../stack/model.ts';

/** What one replica runs. The id names the replica to a runtime that keeps several apart. */
export interface ReplicaSpec {
  readonly id: string;
  readonly command: Command;
  readonly cwd: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
}

export type Stream = 'stdout' | 'stderr';

/** What a running replica says: its output, line by line, and its ready notice (a hint to probe now). */
export interface ReplicaOutput {
  line(stream: Stream, line: string): void;
  ready(): void;
}

/**
 * One replica's steps, each called at most once and in this order: prepare, start, then
 * shutdown (and terminate if shutdown takes too long). `wait` may be called any time after
 * start. The grace period between shutdown and terminate is the caller's decision.
 */
export interface ReplicaController {
  /** Reserves what the replica needs before it runs: the port it is to bind. */
  prepare(): Promise<{ readonly port: number }>;
  /** Runs it with this environment; resolves once it runs, rejects if it could not be started. */
  start(env: Readonly<Record<string, string>>): Promise<{ readonly pid: number }>;
  /** Resolves when it has exited and the runtime has let go of it. Never rejects. */
  wait(): Promise<Exit>;
  /** Asks it to stop; resolves when it has exited. */
  shutdown(): Promise<void>;
  /** Stops it at once; resolves when it has exited. */
  terminate(): Promise<void>;
}

export interface ReplicaRuntime {
  /** A controller for one replica; nothing runs until its steps are called. */
  controller(spec: ReplicaSpec, output: ReplicaOutput): ReplicaController;
}
