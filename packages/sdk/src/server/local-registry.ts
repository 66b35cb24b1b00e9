// Services served by this process, so a client can call them in-process (co-location): a
// `serve()` with several services, or an `x-bricks.group` whose process imports several.
import type { Dispatcher } from './dispatcher.ts';

const dispatchers = new Set<Dispatcher>();
let version = 0;

export function registerLocal(d: Dispatcher): void {
  dispatchers.add(d);
  version++;
}

export function unregisterLocal(d: Dispatcher): void {
  dispatchers.delete(d);
  version++;
}

/** A registered dispatcher took on more services. */
export function localChanged(): void {
  version++;
}

/** Changes whenever the set of local services may have: clients cache lookups until it does. */
export function localVersion(): number {
  return version;
}

/** The local dispatcher serving `serviceTypeName` (e.g. `arcade.v1.CatalogService`), if any. */
export function localDispatcher(serviceTypeName: string): Dispatcher | undefined {
  for (const d of dispatchers) if (d.serves(serviceTypeName)) return d;
  return undefined;
}
