// Topology: the services, their replicas and autoscaling bounds, and who calls whom, from the
// parent and child spans of recent traces (a call edge is a span whose parent is another service's).
import { useEffect, useState } from 'preact/hooks';
import type { StatusDoc, StoredSpan } from '../../../platform/api/contract/index.ts';
import { call } from '../api.ts';

/** Recent traces read for the edges: enough to see every route of a small stack. */
const SAMPLE = 40;

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  readonly errors: number;
}

export function edgesOf(traces: readonly (readonly StoredSpan[])[]): Edge[] {
  const edges = new Map<string, { from: string; to: string; calls: number; errors: number }>();
  for (const spans of traces) {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans) {
      const parent = byId.get(s.parentSpanId);
      if (parent === undefined || parent.service === s.service) continue;
      const key = `${parent.service}\0${s.service}`;
      const e = edges.get(key) ?? { from: parent.service, to: s.service, calls: 0, errors: 0 };
      e.calls++;
      if (s.status === 'error') e.errors++;
      edges.set(key, e);
    }
  }
  return [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export function TopologyPage({ status }: { status: StatusDoc | null }) {
  const [edges, setEdges] = useState<readonly Edge[] | null>(null);
  useEffect(() => {
    const stop = new AbortController();
    void (async () => {
      const list = await call('traces', { limit: SAMPLE }, stop.signal);
      const docs = await Promise.all(list.traces.map((t) => call('trace', { id: t.traceId }, stop.signal).catch(() => null)));
      setEdges(edgesOf(docs.flatMap((d) => (d === null ? [] : [d.spans]))));
    })().catch(() => !stop.signal.aborted && setEdges([]));
    return () => stop.abort();
  }, []);
  return (
    <section aria-labelledby="topology-title">
      <h1 id="topology-title">Topology</h1>
      <ul class="nodes">
        {(status?.services ?? []).map((s) => (
          <li key={s.name} class="node">
            <strong>{s.name}</strong> <span class={`badge ${s.condition}`}>{s.condition}</span>
            <br />
            {s.ready}/{s.desired} replicas{s.autoscale !== null ? `, autoscaled ${s.autoscale.min}–${s.autoscale.max}` : ''}
          </li>
        ))}
      </ul>
      <h2>Calls (from the last {SAMPLE} traces)</h2>
      {edges === null ? <p class="loading">Reading traces…</p> : edges.length === 0 ? <p class="muted">No call between services in recent traces.</p> : null}
      <table>
        <tbody>
          {(edges ?? []).map((e) => (
            <tr key={`${e.from}-${e.to}`}>
              <td>{e.from}</td>
              <td aria-label="calls">→</td>
              <td>{e.to}</td>
              <td>
                {e.calls} span{e.calls === 1 ? '' : 's'}
                {e.errors > 0 ? `, ${((e.errors / e.calls) * 100).toFixed(0)}% errors` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
