// One trace as a waterfall in the terminal: its spans as a tree (children under their parent,
// by start), each with a bar placed on the trace's time line, its duration, service and replica.
import type { StoredSpan } from '../../platform/api/contract/traces.ts';

export interface WaterfallOptions {
  /** Characters of the bar column. */
  readonly width?: number;
  readonly color?: (kind: 'bar' | 'error', text: string) => string;
}

export function renderWaterfall(spans: readonly StoredSpan[], opts: WaterfallOptions = {}): string[] {
  if (spans.length === 0) return [];
  const width = Math.max(10, opts.width ?? 40);
  const paint = opts.color ?? ((_k, t) => t);
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId === '' || !ids.has(s.parentSpanId)) roots.push(s);
    else children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
  }
  const byStart = (a: StoredSpan, b: StoredSpan): number => a.startMs - b.startMs;
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const total = Math.max(end - start, 1e-3);
  const rows: { label: string; span: StoredSpan }[] = [];
  const walk = (s: StoredSpan, depth: number): void => {
    rows.push({ label: `${'  '.repeat(depth)}${s.name} ${s.kind === 'internal' ? '' : `(${s.kind}) `}`.trimEnd(), span: s });
    for (const c of (children.get(s.spanId) ?? []).sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  const labelWidth = Math.min(60, Math.max(...rows.map((r) => r.label.length)));
  const whoWidth = Math.max(...rows.map((r) => who(r.span).length));
  return rows.map(({ label, span }) => {
    const from = Math.floor(((span.startMs - start) / total) * width);
    const len = Math.max(1, Math.round((span.durationMs / total) * width));
    const bar = `${' '.repeat(Math.min(from, width - 1))}${'█'.repeat(Math.min(len, width - Math.min(from, width - 1)))}`.padEnd(width);
    const failed = span.status === 'error';
    const text = label.length > labelWidth ? `${label.slice(0, labelWidth - 1)}…` : label.padEnd(labelWidth);
    return `${text}  ${who(span).padEnd(whoWidth)}  |${paint(failed ? 'error' : 'bar', bar)}| ${formatMs(span.durationMs).padStart(9)}${failed ? paint('error', ` ${span.statusMessage || 'error'}`) : ''}`;
  });
}

function who(s: StoredSpan): string {
  return s.replica !== '' ? s.replica : s.service;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}
