// The logs page: the last lines and then the live tail, filtered by service, replica and level,
// searched by text; a line logged inside a trace links to it.
import { useEffect, useState } from 'preact/hooks';
import type { LogLine, StatusDoc } from '../../../platform/api/contract/index.ts';
import { lines } from '../api.ts';
import { time } from '../format.ts';
import { hrefOf } from '../route.ts';

/** Lines kept on the page: a few screens; older ones are a search away. */
const KEEP = 1000;
const LEVELS = [
  ['', 'any level'],
  ['20', 'debug and above'],
  ['30', 'info and above'],
  ['40', 'warn and above'],
  ['50', 'error and above'],
] as const;

function traceOf(line: string): string | null {
  if (!line.startsWith('{')) return null;
  try {
    const fields = JSON.parse(line) as Record<string, unknown>;
    const t = fields['trace_id'] ?? fields['traceId'];
    return typeof t === 'string' && t !== '' ? t : null;
  } catch {
    return null;
  }
}

export function LogsPage({ status, replica }: { status: StatusDoc | null; replica?: string }) {
  const [service, setService] = useState('');
  const [level, setLevel] = useState('');
  const [grep, setGrep] = useState('');
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<readonly LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const stop = new AbortController();
    setRows([]);
    setError(null);
    let pending: LogLine[] = [];
    // Lines come in bursts: one render a frame, not one a line.
    let frame = 0;
    const flush = (): void => {
      frame = 0;
      const add = pending;
      pending = [];
      setRows((r) => [...r, ...add].slice(-KEEP));
    };
    void (async () => {
      try {
        const query = {
          ...(service !== '' ? { services: [service] } : {}),
          ...(replica !== undefined ? { replicas: [replica] } : {}),
          ...(level !== '' ? { level: Number(level) } : {}),
          ...(search !== '' ? { grep: search } : {}),
          tail: 200,
          follow: true,
        };
        for await (const l of lines('logs', query, stop.signal)) {
          pending.push(l);
          if (frame === 0) frame = requestAnimationFrame(flush);
        }
      } catch (err) {
        if (!stop.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      }
    })();
    return () => {
      stop.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [service, replica, level, search]);

  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Logs{replica !== undefined ? ` of ${replica}` : ''}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(grep);
        }}
      >
        <label>
          Service{' '}
          <select value={service} onChange={(e) => setService(e.currentTarget.value)}>
            <option value="">all</option>
            {(status?.services ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {replica !== undefined ? <a href={hrefOf.logs()}>all replicas</a> : null}
        <label>
          Level{' '}
          <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
            {LEVELS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search <input type="search" value={grep} onInput={(e) => setGrep(e.currentTarget.value)} placeholder="text in the line" />
        </label>
        <button type="submit">Search</button>
      </form>
      {error !== null ? <p role="alert">{error}</p> : null}
      <div class="log" role="log" aria-live="polite" aria-label="log lines">
        {rows.length === 0 ? <p class="muted">No lines yet.</p> : null}
        {rows.map((l, i) => {
          const trace = traceOf(l.line);
          return (
            <div key={i} class={`line ${l.stream}`} data-replica={l.replica}>
              <time>{time(l.time)}</time> <span class="who">{l.replica}</span> <span class="text">{l.line}</span>
              {trace !== null ? (
                <>
                  {' '}
                  <a href={hrefOf.trace(trace)}>trace</a>
                </>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
