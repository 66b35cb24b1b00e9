// The normalized stack: what every other part of bricks reads. The parser (load.ts) turns a
// Compose file into this shape once; nothing downstream looks at raw YAML again.
// Durations are milliseconds; paths are absolute.

/** How a replica's program is started: an argv (no shell) or a shell script (`sh -c`). */
export type Command =
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  | { readonly kind: 'shell'; readonly script: string };

/** One way of asking a replica whether it is well. */
export type Probe =
  | { readonly kind: 'http'; readonly path: string }
  | { readonly kind: 'tcp' }
  | { readonly kind: 'exec'; readonly command: Command }
  | { readonly kind: 'none' };

export interface ProbeTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Consecutive failures before the probe counts as failed (Compose `retries`). */
  readonly retries: number;
  /** Failures inside this window after start do not count (Compose `start_period`). */
  readonly startPeriodMs: number;
  /** Probe period before the first success (Compose `start_interval`). */
  readonly startIntervalMs: number;
}

export interface Health {
  /** Gates traffic: a replica is routed to only while this passes. */
  readonly readiness: Probe;
  /** Failing it makes the platform replace the replica. */
  readonly liveness: Probe;
  readonly timing: ProbeTiming;
}

export type RestartCondition = 'none' | 'on-failure' | 'any';

export interface RestartPolicy {
  readonly condition: RestartCondition;
  /** First back-off delay; doubles per consecutive failure up to maxDelayMs. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** null = unlimited. */
  readonly maxAttempts: number | null;
  /** A run at least this long resets the back-off (Compose `window`). */
  readonly windowMs: number;
}

export type DependsOnCondition = 'service_started' | 'service_healthy';

export interface Dependency {
  readonly service: string;
  readonly condition: DependsOnCondition;
}

export interface Service {
  readonly name: string;
  /** What the local target runs: `x-bricks.run`, else `command`. null = nothing to run locally. */
  readonly run: Command | null;
  /** env_file entries then `environment`, interpolated. */
  readonly environment: Readonly<Record<string, string>>;
  readonly workingDir: string;
  /** The port the program listens on inside its replica; handed to it as PORT. */
  readonly port: number;
  readonly replicas: number;
  readonly restart: RestartPolicy;
  readonly health: Health;
  readonly stopGracePeriodMs: number;
  readonly dependsOn: readonly Dependency[];
  /** The service's Compose map after interpolation, kept whole for the Swarm/Kubernetes targets. */
  readonly compose: Readonly<Record<string, unknown>>;
  /** The service's `x-bricks` map after interpolation, kept whole for later features. */
  readonly bricks: Readonly<Record<string, unknown>>;
}

export interface Stack {
  /** Compose `name`, else the project directory's name. */
  readonly name: string;
  /** Absolute path of the stack file. */
  readonly file: string;
  /** The project directory (the stack file's folder). */
  readonly dir: string;
  /** In file order. */
  readonly services: Readonly<Record<string, Service>>;
  /** Top-level Compose sections other than services (networks, volumes, secrets, configs, x-*). */
  readonly compose: Readonly<Record<string, unknown>>;
}

/** What kind of thing is wrong; a closed set, so callers (and tests) can branch on it. */
export type ProblemCode =
  | 'missing-file' // the stack file, an env_file or a .env could not be found or read
  | 'syntax' // YAML (or env file) syntax
  | 'duplicate-key'
  | 'unknown-key' // a key that is neither Compose nor x-*, or not a known x-bricks key
  | 'type' // a known key holds the wrong kind of value
  | 'value' // right kind, wrong value (out of range, bad duration, bad name...)
  | 'interpolation' // ${VAR:?err} failed, or a malformed ${...}
  | 'reference' // depends_on names a service that does not exist
  | 'cycle' // depends_on loops
  | 'unsupported'; // valid Compose that bricks does not implement (yet)

/** One thing wrong with a stack file, located in it. */
export interface Problem {
  readonly code: ProblemCode;
  /** The file the problem is in: usually the stack file, else an env_file or `.env`. */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (for example a missing file). */
  readonly line: number;
  readonly col: number;
  /** Key path, for example `services.catalog.deploy.replicas`. */
  readonly path: string;
  readonly message: string;
}

export type LoadResult =
  | { readonly ok: true; readonly stack: Stack; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}
