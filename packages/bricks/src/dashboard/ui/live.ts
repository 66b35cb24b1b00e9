// The page's live feed: one event stream for the whole app (history first, then live), the status
// kept current from it (status-store.ts), and CPU and memory from `top` every few seconds.
import { useEffect, useState } from 'preact/hooks';
import type { PlatformEvent, StatusDoc } from '../../platform/api/contract/index.ts';
import { call, lines } from './api.ts';
import { applyEvent, applyUsage } from './status-store.ts';

/** As often as the scraper reads replicas: more often shows nothing new. */
const USAGE_EVERY_MS = 5000;
/** A broken stream is opened again after this; the daemon may be restarting. */
const RECONNECT_MS = 2000;
/** Events kept for the page's event list. */
const KEEP_EVENTS = 200;

export type Connection = 'connecting' | 'live' | 'lost';

export interface Live {
  readonly status: StatusDoc | null;
  readonly events: readonly PlatformEvent[];
  readonly connection: Connection;
  readonly error: string | null;
}

export function useLive(): Live {
  const [live, setLive] = useState<Live>({ status: null, events: [], connection: 'connecting', error: null });

  useEffect(() => {
    const stop = new AbortController();
    let refetching = false;
    const refetch = async (): Promise<void> => {
      if (refetching) return;
      refetching = true;
      try {
        const status = await call('status', {}, stop.signal);
        setLive((l) => ({ ...l, status, error: null }));
      } catch (err) {
        if (!stop.signal.aborted) setLive((l) => ({ ...l, error: String(err) }));
      } finally {
        refetching = false;
      }
    };
    const onEvent = (e: PlatformEvent): void => {
      let again = false;
      setLive((l) => {
        if (l.status === null) return { ...l, events: [e, ...l.events].slice(0, KEEP_EVENTS) };
        const applied = applyEvent(l.status, e);
        again = applied.refetch;
        return { ...l, status: applied.status, events: [e, ...l.events].slice(0, KEEP_EVENTS) };
      });
      if (again) void refetch();
    };
    const stream = async (): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          // The status after the subscription: history comes first, so no change falls between.
          let first = true;
          for await (const e of lines('events', { history: true }, stop.signal)) {
            if (first) {
              first = false;
              setLive((l) => ({ ...l, connection: 'live' }));
              await refetch();
            }
            onEvent(e);
          }
        } catch (err) {
          if (stop.signal.aborted) return;
          setLive((l) => ({ ...l, connection: 'lost', error: String(err) }));
        }
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    };
    void refetch();
    void stream();
    const usage = setInterval(() => {
      void call('top', {}, stop.signal)
        .then((top) => setLive((l) => (l.status === null ? l : { ...l, status: applyUsage(l.status, top) })))
        .catch(() => undefined);
    }, USAGE_EVERY_MS);
    return () => {
      stop.abort();
      clearInterval(usage);
    };
  }, []);
  return live;
}
