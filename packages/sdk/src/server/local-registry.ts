// Services served by this process, so a client can call them in-process (co-location): a
// `serve()` with several services, or an `x-bricks.group` whose process imports several.
import type { Dispatcher } from './dispatcher.ts';

const dispatchers = new Set<Dispatcher>();

export function registerLocal(d: Dispatcher): void {
  dispatchers.add(d);
}

export function unregisterLocal(d: Dispatcher): void {
  dispatchers.delete(d);
}

/** The local dispatcher serving `serviceTypeName` (e.g. `arcade.v1.CatalogService`), if any. */
export function localDispatcher(serviceTypeName: string): Dispatcher | undefined {
  for (const d of dispatchers) if (d.serves(serviceTypeName)) return d;
  return undefined;
}
