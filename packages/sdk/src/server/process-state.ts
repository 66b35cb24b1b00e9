// State that belongs to the process, not to one copy of the SDK. An `x-bricks.group` process
// imports several bundled services, each with its own copy of this package: they must still
// find each other's servers (to share $PORT) and dispatchers (to call in-process). So the state
// hangs off `globalThis` under a registered symbol, versioned so incompatible copies never mix.

/**
 * The state's layout (v1). What the maps hold is named by their owners (serve.ts, local-registry.ts)
 * when they ask for the state, so this module depends on neither.
 */
interface ProcessState<S, D> {
  /** Servers of this process by port: a second serve() on the same port joins the first. */
  readonly servers: Map<number, S>;
  /** Dispatchers serving services in this process. */
  readonly dispatchers: Set<D>;
  /** Bumped whenever the set of local services may have changed. */
  localVersion: number;
  signalsInstalled: boolean;
  /** Whether the platform was told this process is ready (ready-notice.ts); optional: older copies lack it. */
  readyNoticed?: boolean;
}

const KEY = Symbol.for('@bricks/sdk/process-state/v1');

export function processState<S = unknown, D = unknown>(): ProcessState<S, D> {
  const holder = globalThis as unknown as Record<symbol, ProcessState<S, D> | undefined>;
  return (holder[KEY] ??= { servers: new Map(), dispatchers: new Set(), localVersion: 0, signalsInstalled: false });
}
