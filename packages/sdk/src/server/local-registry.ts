// Services served by this process, so a client can call them in-process (co-location): a
// `serve()` with several services, or an `x-bricks.group` whose process imports several.
import type { Dispatcher } from './dispatcher.ts';
import { processState } from './process-state.ts';

// Shared by every copy of the SDK in the process (see process-state.ts).
const state = processState<unknown, Dispatcher>();
const dispatchers = state.dispatchers;

export function registerLocal(d: Dispatcher): void {
  dispatchers.add(d);
  state.localVersion++;
}

export function unregisterLocal(d: Dispatcher): void {
  dispatchers.delete(d);
  state.localVersion++;
}

/** A registered dispatcher took on more services. */
export function localChanged(): void {
  state.localVersion++;
}

/** Changes whenever the set of local services may have: clients cache lookups until it does. */
export function localVersion(): number {
  return state.localVersion;
}

/** The local dispatcher serving `serviceTypeName` (e.g. `arcade.v1.CatalogService`), if any. */
export function localDispatcher(serviceTypeName: string): Dispatcher | undefined {
  for (const d of dispatchers) if (d.serves(serviceTypeName)) return d;
  return undefined;
}
