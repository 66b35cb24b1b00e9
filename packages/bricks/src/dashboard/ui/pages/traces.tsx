// Traces: a search over the daemon's trace store, and one trace as a waterfall with each span's
// attributes and the log lines logged inside it.
import { useEffect, useState } from 'preact/hooks';
import type { LogLine, StoredSpan, TraceDoc, TracesDoc, TracesQuery } from '../../../platform/api/contract/index.ts';
import { call } from '../api.ts';
import { ms, time } from '../format.ts';
import { hrefOf } from '../route.ts';

export function TracesPage() {
  const [form, setForm] = useState({ service: '', method: '', min: '', errors: false });
  const [query, setQuery] = useState<TracesQuery>({ limit: 50 });
  const [doc, setDoc] = useState<TracesDoc | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const stop = new AbortController();
    call('traces', query, stop.signal)
      .then(setDoc)
      .catch((err: unknown) => !stop.signal.aborted && setError(String(err)));
    return () => stop.abort();
  }, [query]);

  const submit = (e: Event): void => {
    e.preventDefault();
    const min = Number(form.min);
    setQuery({
      limit: 50,
      ...(form.service !== '' ? { service: form.service } : {}),
      ...(form.method !== '' ? { method: form.method } : {}),
      ...(form.min !== '' && Number.isFinite(min) ? { minDurationMs: min } : {}),
      ...(form.errors ? { errors: true } : {}),
    });
  };
  return (
    <section aria-labelledby="traces-title">
      <h1 id="traces-title">Traces</h1>
      <form class="filters" onSubmit={submit}>
        <label>
          Service <input value={form.service} onInput={(e) => setForm({ ...form, service: e.currentTarget.value })} />
        </label>
        <label>
          Method <input value={form.method} placeholder="CatalogService/GetGame" onInput={(e) => setForm({ ...form, method: e.currentTarget.value })} />
        </label>
        <label>
          At least (ms) <input type="number" min={0} value={form.min} onInput={(e) => setForm({ ...form, min: e.currentTarget.value })} />
        </label>
        <label>
          <input type="checkbox" checked={form.errors} onChange={(e) => setForm({ ...form, errors: e.currentTarget.checked })} /> errors only
        </label>
        <button type="submit">Search</button>
      </form>
      {error !== null ? <p role="alert">{error}</p> : null}
      {doc === null ? (
        <p class="loading">Loading traces…</p>
      ) : doc.traces.length === 0 ? (
        <p class="muted">No trace matches (the store keeps {doc.store.traces} traces).</p>
      ) : (
        <table class="traces">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Root</th>
              <th scope="col">Duration</th>
              <th scope="col">Spans</th>
              <th scope="col">Services</th>
            </tr>
          </thead>
          <tbody>
            {doc.traces.map((t) => (
              <tr key={t.traceId} class={t.error ? 'error' : ''} data-trace={t.traceId}>
                <td>{time(t.startMs)}</td>
                <td>
                  <a href={hrefOf.trace(t.traceId)}>{t.name}</a> <span class="muted">{t.service}</span>
                  {t.error ? <span class="badge failed">error</span> : null}
                </td>
                <td>{ms(t.durationMs)}</td>
                <td>{t.spans}</td>
                <td>{t.services.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TracePage({ id }: { id: string }) {
  const [doc, setDoc] = useState<TraceDoc | null>(null);
  const [logs, setLogs] = useState<readonly LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    const stop = new AbortController();
    call('trace', { id }, stop.signal)
      .then((d) => {
        setDoc(d);
        setSelected(d.spans[0]?.spanId ?? null);
      })
      .catch((err: unknown) => !stop.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    call('logs', { trace: id, tail: 500, follow: false }, stop.signal)
      .then(setLogs)
      .catch(() => undefined);
    return () => stop.abort();
  }, [id]);

  if (error !== null) return <p role="alert">{error}</p>;
  if (doc === null) return <p class="loading">Loading trace {id}…</p>;
  const start = Math.min(...doc.spans.map((s) => s.startMs));
  const end = Math.max(...doc.spans.map((s) => s.startMs + s.durationMs));
  const total = Math.max(end - start, 1e-3);
  const depth = depthsOf(doc.spans);
  const span = doc.spans.find((s) => s.spanId === selected);
  return (
    <section aria-labelledby="trace-title">
      <h1 id="trace-title">Trace {id.slice(0, 16)}…</h1>
      <p>
        <a href="#/traces">All traces</a> · {doc.spans.length} spans · {ms(total)}
      </p>
      <ol class="waterfall" aria-label="spans">
        {doc.spans.map((s) => (
          <li key={s.spanId} class={s.status === 'error' ? 'error' : ''}>
            <button type="button" aria-pressed={s.spanId === selected} onClick={() => setSelected(s.spanId)} style={{ paddingLeft: `${(depth.get(s.spanId) ?? 0) * 1.2 + 0.5}em` }}>
              <span class="span-name">
                {s.service}: {s.name}
              </span>
              <span class="bar-track">
                <span class="bar" style={{ left: `${((s.startMs - start) / total) * 100}%`, width: `${Math.max((s.durationMs / total) * 100, 0.5)}%` }} />
              </span>
              <span class="span-ms">{ms(s.durationMs)}</span>
            </button>
          </li>
        ))}
      </ol>
      {span !== undefined ? <SpanDetail span={span} /> : null}
      <h2>Logs of this trace</h2>
      {logs.length === 0 ? (
        <p class="muted">No log line carries this trace's id.</p>
      ) : (
        <div class="log">
          {logs.map((l, i) => (
            <div key={i} class="line">
              <time>{time(l.time)}</time> <span class="who">{l.replica}</span> <span class="text">{l.line}</span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function SpanDetail({ span }: { span: StoredSpan }) {
  const rows: [string, string][] = [
    ['service', span.service],
    ['replica', span.replica],
    ['kind', span.kind],
    ['status', span.statusMessage === '' ? span.status : `${span.status}: ${span.statusMessage}`],
    ['span id', span.spanId],
    ...Object.entries(span.attributes).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  return (
    <section aria-labelledby="span-title" class="span-detail">
      <h2 id="span-title">{span.name}</h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** How deep each span sits under the trace's root (a span whose parent is missing is a root). */
function depthsOf(spans: readonly StoredSpan[]): Map<string, number> {
  const parent = new Map(spans.map((s) => [s.spanId, s.parentSpanId]));
  const depths = new Map<string, number>();
  const depth = (id: string, seen = 0): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    const p = parent.get(id);
    const d = p === undefined || p === '' || !parent.has(p) || seen > spans.length ? 0 : depth(p, seen + 1) + 1;
    depths.set(id, d);
    return d;
  };
  for (const s of spans) depth(s.spanId);
  return depths;
}
