// A uPlot time-series chart: one line per series, x in epoch seconds. Redrawn in place when the
// data changes; rebuilt when the series do.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps {
  readonly title: string;
  /** Epoch ms. */
  readonly times: readonly number[];
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
  readonly unit: (v: number) => string;
}

const COLORS = ['#2f6fde', '#d9480f', '#2b8a3e', '#9c36b5', '#e67700', '#0b7285', '#c2255c', '#5c940d'];

export function Chart({ title, times, series, unit }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\0');
  const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values.map((v) => v))];

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: 220,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '–' : unit(v)) }))],
      axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', size: 70, values: (_u, ticks) => ticks.map((t) => unit(t)) }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(320, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when its lines change; new points go through setData below.
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const points = values.length;
  // For tests and scripts: how many points it drew, and the highest.
  return (
    <figure class="chart" data-points={points} data-peak={points === 0 ? '' : Math.max(...values)}>
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(', ')}`} />
      {points === 0 ? <p class="muted">No data in this window yet.</p> : null}
    </figure>
  );
}
