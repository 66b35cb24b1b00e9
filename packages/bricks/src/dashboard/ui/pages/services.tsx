// Services and their replicas, live: state, health, restarts, CPU, memory, version, uptime; and
// the actions on a service (scale, restart), each confirmed first.
import { memo } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import type { PlatformEvent, ServiceRow, StatusDoc } from '../../../platform/api/contract/index.ts';
import { call } from '../api.ts';
import { age, bytes, percent, time } from '../format.ts';
import { Confirm } from '../parts/confirm.tsx';
import { hrefOf } from '../route.ts';

type Action = { readonly kind: 'scale'; readonly service: string; readonly replicas: number } | { readonly kind: 'restart'; readonly service: string };

function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function ServicesPage({ status, events }: { status: StatusDoc | null; events: readonly PlatformEvent[] }) {
  const now = useNow();
  const [action, setAction] = useState<Action | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (status === null) return <p class="loading">Loading services…</p>;

  const run = async (a: Action): Promise<void> => {
    setAction(null);
    try {
      if (a.kind === 'scale') {
        await call('scale', { service: a.service, replicas: a.replicas });
        setMessage(`${a.service}: scaling to ${a.replicas}`);
      } else {
        await call('restart', { service: a.service });
        setMessage(`${a.service}: rolling restart started`);
      }
    } catch (err) {
      setMessage(`${a.service}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <section aria-labelledby="services-title">
      <h1 id="services-title">Services</h1>
      {message !== null ? (
        <p role="status" class="notice">
          {message}
        </p>
      ) : null}
      {status.services.map((s) => (
        <Service key={s.name} service={s} now={now} onAction={setAction} />
      ))}
      <EventList events={events} />
      {action !== null ? (
        <Confirm
          title={action.kind === 'scale' ? `Scale ${action.service} to ${action.replicas}?` : `Restart ${action.service}?`}
          confirmLabel={action.kind === 'scale' ? 'Scale' : 'Restart'}
          onConfirm={() => void run(action)}
          onCancel={() => setAction(null)}
        >
          {action.kind === 'scale' ? <p>Replicas are started or stopped (drained first) until {action.replicas} run.</p> : <p>Every replica is replaced, one at a time, without downtime.</p>}
        </Confirm>
      ) : null}
    </section>
  );
}

/**
 * Memoized: an event changes one service's row object and leaves the others as they were, so with
 * 50 services only the one that changed renders again (bench/dashboard measures it).
 */
const Service = memo(function Service({ service: s, now, onAction }: { service: ServiceRow; now: number; onAction: (a: Action) => void }) {
  const [wanted, setWanted] = useState(String(s.desired));
  useEffect(() => setWanted(String(s.desired)), [s.desired]);
  const id = `scale-${s.name}`;
  return (
    <article class="service" data-service={s.name} aria-labelledby={`svc-${s.name}`}>
      <header>
        <h2 id={`svc-${s.name}`}>{s.name}</h2>
        <span class={`badge ${s.condition}`}>{s.condition}</span>
        <span class="muted">
          {s.ready}/{s.desired} ready · version {s.version.slice(0, 12)} · {s.restarts} restarts · {s.address}
          {s.autoscale !== null ? ` · autoscaled ${s.autoscale.min}–${s.autoscale.max} (${s.autoscale.reason})` : ''}
        </span>
        <form
          class="actions"
          onSubmit={(e) => {
            e.preventDefault();
            onAction({ kind: 'scale', service: s.name, replicas: Number(wanted) });
          }}
        >
          <label for={id}>Replicas</label>
          <input id={id} type="number" min={0} step={1} value={wanted} disabled={s.autoscale !== null} onInput={(e) => setWanted(e.currentTarget.value)} />
          <button type="submit" disabled={s.autoscale !== null || wanted === String(s.desired) || !/^\d+$/.test(wanted)}>
            Scale
          </button>
          <button type="button" onClick={() => onAction({ kind: 'restart', service: s.name })}>
            Restart
          </button>
        </form>
      </header>
      <table>
        <thead>
          <tr>
            <th scope="col">Replica</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Restarts</th>
            <th scope="col">CPU</th>
            <th scope="col">Memory</th>
            <th scope="col">Version</th>
            <th scope="col">Uptime</th>
            <th scope="col">Port</th>
          </tr>
        </thead>
        <tbody>
          {s.replicas.map((r) => (
            <tr key={r.id} data-replica={r.name}>
              <th scope="row">
                <a href={hrefOf.logs(r.name)} title={`logs of ${r.name}`}>
                  {r.name}
                </a>
              </th>
              <td>
                <span class={`badge ${r.ready ? 'ready' : r.phase}`}>{r.ready ? 'ready' : r.phase}</span>
              </td>
              <td>{r.health}</td>
              <td>{r.restarts}</td>
              <td>{percent(r.cpu)}</td>
              <td>{bytes(r.memory)}</td>
              <td>{r.version.slice(0, 12)}</td>
              <td>{age(r.startedAt, now)}</td>
              <td>{r.port ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
});

function describe(e: PlatformEvent): string {
  switch (e.type) {
    case 'replica-starting':
      return `${e.replica} starting`;
    case 'replica-started':
      return `${e.replica} started (pid ${e.pid}, port ${e.port})`;
    case 'replica-ready':
      return `${e.replica} ready`;
    case 'replica-unready':
      return `${e.replica} not ready: ${e.detail}`;
    case 'replica-stopping':
      return `${e.replica} stopping (${e.reason})`;
    case 'replica-exited':
      return `${e.replica} exited (${e.code ?? e.signal ?? '?'})${e.expected ? '' : ', unexpectedly'}`;
    case 'replica-failed-to-start':
      return `${e.replica} failed to start: ${e.error}`;
    case 'service-condition':
      return `${e.service} is ${e.condition}`;
    case 'routes':
      return `${e.service} routes to ${e.endpoints.length} endpoint(s)`;
    case 'scaled':
      return `${e.service} scaled to ${e.replicas} (${e.reason})`;
    case 'restarting':
      return `${e.service} restarting`;
    case 'service-removed':
      return `${e.service} removed`;
    case 'rollout':
      return `${e.service} rollout of ${e.version.slice(0, 12)} ${e.state}${e.reason !== null ? `: ${e.reason}` : ''}`;
    case 'release':
      return `release ${e.id} (${e.sha.slice(0, 12)}) ${e.state}${e.detail !== '' ? `: ${e.detail}` : ''}`;
    case 'proxy':
      return `${e.service} proxy: ${e.detail}`;
    case 'platform':
      return `platform ${e.state}`;
  }
}

export function EventList({ events }: { events: readonly PlatformEvent[] }) {
  return (
    <section aria-labelledby="events-title" class="events">
      <h2 id="events-title">Events</h2>
      <ol>
        {events.slice(0, 50).map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <time>{time(e.at)}</time> {describe(e)}
          </li>
        ))}
      </ol>
    </section>
  );
}
