// The metrics page: requests/s, p50 and p99 latency, error rate, CPU and memory per service, over
// a chosen window of the daemon's store, refreshed as the scraper reads new points.
import { useEffect, useState } from 'preact/hooks';
import type { RangeDoc, RangeService } from '../../../platform/api/contract/index.ts';
import { call } from '../api.ts';
import { bytes, ms, percent } from '../format.ts';
import { Chart } from '../parts/chart.tsx';

const WINDOWS = [
  [5 * 60_000, 'last 5 minutes', 5000],
  [15 * 60_000, 'last 15 minutes', 15_000],
  [60 * 60_000, 'last hour', 60_000],
] as const;
/** The scraper's interval: new points come no faster. */
const REFRESH_MS = 5000;

export function MetricsPage() {
  const [choice, setChoice] = useState(0);
  const [doc, setDoc] = useState<RangeDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [windowMs, , stepMs] = WINDOWS[choice] ?? WINDOWS[0];

  useEffect(() => {
    const stop = new AbortController();
    const load = (): void => {
      call('metricsRange', { windowMs, stepMs }, stop.signal)
        .then((d) => {
          setDoc(d);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!stop.signal.aborted) setError(String(err));
        });
    };
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      stop.abort();
      clearInterval(t);
    };
  }, [windowMs, stepMs]);

  const lines = (pick: (s: RangeService) => readonly (number | null)[], scale = 1) =>
    (doc?.services ?? []).map((s) => ({ label: s.service, values: pick(s).map((v) => (v === null ? null : v * scale)) }));
  const times = doc?.times ?? [];
  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      <label>
        Window{' '}
        <select value={String(choice)} onChange={(e) => setChoice(Number(e.currentTarget.value))}>
          {WINDOWS.map(([, label], i) => (
            <option key={label} value={String(i)}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {error !== null ? <p role="alert">{error}</p> : null}
      <div class="charts">
        <Chart title="Requests per second" times={times} series={lines((s) => s.rps)} unit={(v) => `${v.toFixed(1)}/s`} />
        <Chart title="Latency p50" times={times} series={lines((s) => s.p50Ms)} unit={ms} />
        <Chart title="Latency p99" times={times} series={lines((s) => s.p99Ms)} unit={ms} />
        <Chart title="Errors" times={times} series={lines((s) => s.errorRate, 100)} unit={percent} />
        <Chart title="CPU (percent of a core)" times={times} series={lines((s) => s.cpu)} unit={percent} />
        <Chart title="Memory (resident)" times={times} series={lines((s) => s.memory)} unit={bytes} />
      </div>
    </section>
  );
}
