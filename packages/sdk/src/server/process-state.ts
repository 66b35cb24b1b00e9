// State that belongs to the process, not to one copy of the SDK. An `x-bricks.group` process
// imports several bundled services, each with its own copy of this package: they must still
// find each other's servers (to share $PORT) and dispatchers (to call in-process). So the state
// hangs off `globalThis` under a registered symbol, versioned so incompatible copies never mix.
import type { Dispatcher } from './dispatcher.ts';
import type { Server } from './serve.ts';

interface ProcessState {
  /** Servers of this process by port: a second serve() on the same port joins the first. */
  readonly servers: Map<number, Server>;
  /** Dispatchers serving services in this process. */
  readonly dispatchers: Set<Dispatcher>;
  /** Bumped whenever the set of local services may have changed. */
  localVersion: number;
  signalsInstalled: boolean;
  /** Whether the platform was told this process is ready (ready-notice.ts); optional: older copies lack it. */
  readyNoticed?: boolean;
}

const KEY = Symbol.for('@bricks/sdk/process-state/v1');

export function processState(): ProcessState {
  const holder = globalThis as unknown as Record<symbol, ProcessState | undefined>;
  return (holder[KEY] ??= { servers: new Map(), dispatchers: new Set(), localVersion: 0, signalsInstalled: false });
}
