// The normalized stack: what every other part of bricks reads. The parser (load.ts) turns a
// Compose file into this shape once; nothing downstream looks at raw YAML or raw Compose keys
// again. A key the file does not set is left unset (undefined): the local daemon and each
// engine target apply their own defaults where the target is known (platform/local-defaults.ts,
// targets/swarm/defaults.ts, targets/kubernetes/defaults.ts), each saying why.
// Durations are milliseconds; byte sizes are bytes; paths are absolute.
import type { AuthSpec } from '@bricks/sdk/auth';
import type { ResilienceSpec } from '@bricks/sdk/resilience';

export type { AuthSpec };

/** Bumped whenever a saved Service (a release's `config`) changes shape; see releases/. */
export const STACK_MODEL_VERSION = 2;

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

/** Compose healthcheck timing, or x-bricks.health's (which wins key by key); unset keys are unset. */
export interface ProbeTimingSpec {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  /** Consecutive failures before the probe counts as failed (Compose `retries`). */
  readonly retries?: number;
  /** Failures inside this window after start do not count (Compose `start_period`). */
  readonly startPeriodMs?: number;
  /** Probe period before the first success (Compose `start_interval`). */
  readonly startIntervalMs?: number;
}

/** ProbeTimingSpec with every key filled in by a target's defaults. */
export type ProbeTiming = { readonly [K in keyof ProbeTimingSpec]-?: number };

/**
 * What the health keys mean: which probe gates traffic and which one replaces a replica.
 * The probes themselves are bricks' reading of the keys on every target (x-bricks.health's
 * paths, else the healthcheck command, else a TCP connect); only the timing has defaults.
 */
export interface Health {
  /** Gates traffic: a replica is routed to only while this passes. */
  readonly readiness: Probe;
  /** Failing it makes the platform replace the replica. */
  readonly liveness: Probe;
  readonly timing: ProbeTimingSpec;
}

export type RestartCondition = 'none' | 'on-failure' | 'any';

/** `deploy.restart_policy`, else the service-level `restart` translated into it. */
export interface RestartPolicySpec {
  readonly condition?: RestartCondition;
  /** First back-off delay. */
  readonly delayMs?: number;
  /** Restarts allowed after failures; unset = unlimited (Compose's 0 means the same). */
  readonly maxAttempts?: number;
  /** A run at least this long counts as a success (Compose `window`). */
  readonly windowMs?: number;
}

export type DependsOnCondition = 'service_started' | 'service_healthy';

export interface Dependency {
  readonly service: string;
  readonly condition: DependsOnCondition;
}

export type UpdateOrder = 'start-first' | 'stop-first';
export type UpdateFailureAction = 'pause' | 'continue' | 'rollback';

/** `deploy.update_config` and `deploy.rollback_config` (Swarm's keys). */
export interface UpdateConfigSpec {
  /** Replicas changed at once; 0 = all at once (Swarm's meaning). */
  readonly parallelism?: number;
  readonly delayMs?: number;
  readonly failureAction?: UpdateFailureAction;
  readonly monitorMs?: number;
  /** Share of replicas (0 to 1) whose failure is tolerated. */
  readonly maxFailureRatio?: number;
  readonly order?: UpdateOrder;
}

export interface ResourceSet {
  /** Cores, as a number (`cpus: '0.5'` is 0.5). */
  readonly cpus?: number;
  readonly memoryBytes?: number;
  readonly pids?: number;
}

export interface Resources {
  readonly limits?: ResourceSet;
  readonly reservations?: ResourceSet;
}

export interface Placement {
  readonly constraints?: readonly string[];
  /** `spread` preferences, e.g. `node.labels.zone`. */
  readonly preferences?: readonly string[];
  readonly maxReplicasPerNode?: number;
}

export type DeployMode = 'replicated' | 'global' | 'replicated-job' | 'global-job';

/** The `deploy` section; its `restart_policy` is the service's `restart` (below), and `replicas` its `replicas`. */
export interface Deploy {
  readonly mode?: DeployMode;
  readonly endpointMode?: 'vip' | 'dnsrr';
  readonly updateConfig?: UpdateConfigSpec;
  readonly rollbackConfig?: UpdateConfigSpec;
  readonly resources?: Resources;
  readonly placement?: Placement;
  readonly labels?: Readonly<Record<string, string>>;
}

/** One `ports:` entry, short (`"8080:80/tcp"`) or long syntax. */
export interface PortMapping {
  /** The port inside the replica. */
  readonly target: number;
  /** The port on the host; unset = let the engine choose. */
  readonly published?: number;
  readonly protocol: 'tcp' | 'udp';
  readonly hostIp?: string;
  /** `host` binds on the node that runs the task; `ingress` is Swarm's routing mesh. */
  readonly mode?: 'host' | 'ingress';
  readonly name?: string;
  readonly appProtocol?: string;
}

/** One `volumes:` entry of a service, short (`name:/path:ro`) or long syntax. */
export interface VolumeMount {
  readonly type: 'volume' | 'bind' | 'tmpfs' | 'cluster' | 'npipe' | 'image';
  /** A top-level volume's name (type volume), a host path (bind, absolute), or unset (tmpfs, anonymous). */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** One `secrets:` or `configs:` entry of a service: which top-level entry, and where its file goes. */
export interface FileMount {
  /** The top-level `secrets:`/`configs:` entry it refers to. */
  readonly source: string;
  /** Absolute path inside the replica (Compose: /run/secrets/<source>, or /<source> for configs). */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  /** File mode, e.g. 0o400. */
  readonly mode?: number;
}

/** Where a top-level secret or config gets its value. */
export type ValueSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'content'; readonly content: string }
  | { readonly kind: 'external'; readonly name: string };

/** A top-level `volumes:` entry. */
export interface VolumeSpec {
  readonly name?: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A top-level `networks:` entry. */
export interface NetworkSpec {
  readonly name?: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly attachable?: boolean;
  readonly internal?: boolean;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/** `x-bricks.autoscale`: the bounds, a target per replica for one or more metrics, and the knobs. */
export interface AutoscaleSpec {
  /** The floor; unset = the service's replicas. 0 = scale to zero when idle. */
  readonly min?: number;
  readonly max: number;
  /** Target requests in flight per replica. */
  readonly concurrency?: number;
  /** Target requests per second per replica. */
  readonly rps?: number;
  /** Target CPU per replica, percent (of one core locally; of the reservation on Kubernetes). */
  readonly cpu?: number;
  /** |observed ÷ target − 1| within this changes nothing. */
  readonly tolerance?: number;
  /** The averaging window of a decision. */
  readonly windowMs?: number;
  /** The short window that can trigger panic mode. */
  readonly panicWindowMs?: number;
  /** Panic when the short window asks for this many times the replicas running. */
  readonly panicThreshold?: number;
  /** At most this factor more replicas per decision. */
  readonly maxScaleUpRate?: number;
  /** A scale-down goes only as low as the highest recommendation over this window. */
  readonly scaleDownDelayMs?: number;
  /** With min 0: how long without a request before every replica stops. */
  readonly idleMs?: number;
}

/** Which backing service bricks runs itself; a closed set (PostgreSQL for now, a broker later). */
export type BackingKind = 'postgres';

/** How the local target runs a PostgreSQL backing service. */
export type LocalPostgres =
  /** PGlite (PostgreSQL compiled to WASM) behind the wire protocol, in one bricks process: needs nothing but Node. */
  | 'embedded'
  /** The machine's own PostgreSQL server (`initdb` + `postgres` from its packages). */
  | 'system';

/**
 * A backing service: an attached resource the other services reach by a URL in their
 * environment (`<NAME>_URL`). The real server on Swarm and Kubernetes (its image); locally bricks
 * runs one for it (`local`). Recognised by a well-known image (`postgres:16`) or said with
 * `x-bricks.backing`.
 */
export interface BackingSpec {
  readonly kind: BackingKind;
  /** `x-bricks.backing.local`; unset = the local target's default (embedded). */
  readonly local?: LocalPostgres;
  /** The database the URL names: `POSTGRES_DB`, else the user (the official image's rule). */
  readonly database: string;
  /**
   * `x-bricks.backing.databases` less `database`: more databases on the same server, each reached
   * by its own `<NAME>_<DATABASE>_URL`; unset = only `database`.
   */
  readonly moreDatabases?: readonly string[];
  /** `POSTGRES_USER`, else `postgres`. */
  readonly user: string;
  /** The `secrets:` entry whose file holds the password (`POSTGRES_PASSWORD_FILE`'s, else the only one); unset = none. */
  readonly passwordSecret?: string;
}

/** `x-bricks.backing` as written: a kind, `false` (not a backing service although the image is well known), or the long form. */
export type BackingKey = false | { readonly kind: BackingKind; readonly local?: LocalPostgres; readonly databases?: readonly string[] };

/**
 * `x-bricks.ambassador`: the service is a named local address for a remote HTTP API. Callers
 * use `<NAME>_URL` as for any service; the ambassador forwards to `url` with the platform's
 * timeout, retries of idempotent requests and circuit breaker, and adds the credential itself.
 */
export interface AmbassadorSpec {
  /** The remote's base URL (http or https); a request's path is appended to its path. */
  readonly url: string;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** Further attempts of an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) after a connect error, a timeout, 502, 503 or 504. */
  readonly retries?: number;
  /** The credential the ambassador adds: a header whose value is a secret's content (after `scheme` and a space, when given). */
  readonly credential?: { readonly header: string; readonly secret: string; readonly scheme?: string };
}

/**
 * `x-bricks.gateway`: the service runs bricks' gateway program (REST/JSON transcoded to RPC by
 * the protos' google.api.http rules) instead of a program of its own.
 */
export interface GatewaySpec {
  /** The FileDescriptorSet it serves (`buf build -o`, or `bricks gen`), absolute. */
  readonly descriptors: string;
  /** The services of the set it serves, fully qualified; unset = every one with an HTTP rule. */
  readonly services?: readonly string[];
  /**
   * The edge policies (auth per route, CORS, limits, ...) as written: the edge (gateway/edge/)
   * owns their schema; the model keeps them whole for the program.
   */
  readonly policies?: Readonly<Record<string, unknown>>;
}

/** A service's `x-bricks` keys, typed. */
export interface BricksServiceKeys {
  /** What the local target runs instead of `command`. */
  readonly run?: Command;
  /** The port the program listens on inside its replica (handed to it as PORT). */
  readonly port?: number;
  /** The module to bundle when `run` does not name it. */
  readonly entry?: string;
  /** Run in place from the sources instead of as a bundled artifact. */
  readonly external?: boolean;
  /** Services of one group run in one process per replica. */
  readonly group?: string;
  /** Reachable from outside the stack (as a service that publishes ports is). */
  readonly edge?: boolean;
  readonly autoscale?: AutoscaleSpec;
  /** The SDK clients' policies (the SDK's schema, durations in ms). */
  readonly resilience?: ResilienceSpec;
  /** `x-bricks.update.ready_timeout`: a new replica not ready by then fails the rollout. */
  readonly readyTimeoutMs?: number;
  /** `x-bricks.auth`: the user-token issuer and audience (over the top level's) and the rules per method (the SDK's schema). */
  readonly auth?: AuthSpec;
  /**
   * How a new value of one of its secrets reaches the service: `restart` (a rolling restart of
   * just this service) or `in-place` (its files are replaced where they are; the service rereads them).
   */
  readonly secretRotation?: 'restart' | 'in-place';
  /** `x-bricks.backing`; the service's `backing` is what it means together with the image. */
  readonly backing?: BackingKey;
  readonly ambassador?: AmbassadorSpec;
  readonly gateway?: GatewaySpec;
}

export interface Service {
  readonly name: string;
  /** What the local target runs: `x-bricks.run`, else `command`. null = nothing to run locally. */
  readonly run: Command | null;
  /** Compose `command` alone (what an engine target passes to an image's entrypoint); null = unset or empty. */
  readonly command: Command | null;
  /** env_file entries then `environment`, interpolated. */
  readonly environment: Readonly<Record<string, string>>;
  /** `working_dir`, else the stack file's directory. */
  readonly workingDir: string;
  readonly image?: string;
  /**
   * The `build:` section in its long form (`build: ./dir` is `{ context: ./dir }`), kept as
   * written: bricks builds images from its own artifacts, so only its presence means anything
   * (the image is built, not pulled).
   */
  readonly build?: Readonly<Record<string, unknown>>;
  /** `deploy.replicas` or `scale`; unset = Compose's 1 (global mode: one per node). */
  readonly replicas?: number;
  readonly deploy: Deploy;
  readonly health: Health;
  /** `deploy.restart_policy`, else `restart`; unset keys are unset. */
  readonly restart: RestartPolicySpec;
  readonly stopGracePeriodMs?: number;
  readonly stopSignal?: string;
  readonly dependsOn: readonly Dependency[];
  readonly ports: readonly PortMapping[];
  readonly volumes: readonly VolumeMount[];
  readonly secrets: readonly FileMount[];
  readonly configs: readonly FileMount[];
  /** The networks it joins (names); empty = the stack's default network. */
  readonly networks: readonly string[];
  readonly bricks: BricksServiceKeys;
  /** Set when the service is a backing service (a database) that bricks runs itself. */
  readonly backing?: BackingSpec;
  /**
   * The Compose keys bricks does not interpret (user, hostname, ulimits, sysctls, cap_add,
   * logging, networks' aliases ...) after interpolation, for the engine targets to pass on.
   * Keys the model reads are not in it.
   */
  readonly passthrough: Readonly<Record<string, unknown>>;
}

/** The top-level `x-bricks` keys. */
export interface BricksStackKeys {
  /** The first service address port. */
  readonly basePort?: number;
  /** The most replicas of one service the local target starts (see platform/local-limits.ts). */
  readonly maxLocalReplicas?: number;
  /** `x-bricks.auth` for every service: the issuer and audience of user tokens (no rules: those are per service). */
  readonly auth?: AuthSpec;
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
  readonly volumes: Readonly<Record<string, VolumeSpec>>;
  readonly networks: Readonly<Record<string, NetworkSpec>>;
  readonly secrets: Readonly<Record<string, ValueSource>>;
  readonly configs: Readonly<Record<string, ValueSource>>;
  readonly bricks: BricksStackKeys;
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
  | 'reference' // depends_on, a secret, config or volume names something that does not exist
  | 'cycle' // depends_on loops
  | 'limit' // more than the target can run (see platform/local-limits.ts)
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

/** What a check a caller adds to loading reports: the problem is located at `path`'s key. */
export interface CheckIssue {
  readonly code: ProblemCode;
  /** Key path segments, e.g. ['services', 'catalog', 'deploy', 'replicas']. */
  readonly at: readonly (string | number)[];
  readonly message: string;
}

/** A check that needs the whole model and a target (the local target's limits, say). */
export type StackCheck = (stack: Stack) => readonly CheckIssue[];

export type LoadResult =
  | { readonly ok: true; readonly stack: Stack; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}
