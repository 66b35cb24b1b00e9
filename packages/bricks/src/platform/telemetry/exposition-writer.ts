// Writes metric families in Prometheus' text exposition format (version 0.0.4), the form
// exposition.ts reads. The platform's metrics are snapshots of counters the proxy and the
// supervisor already keep, so they are rendered at scrape time rather than mirrored into a
// client library's registry on every request.
import type { HistogramData } from '../proxy/index.ts';

export type Labels = Readonly<Record<string, string | number | null>>;

export interface ScalarSample {
  readonly labels: Labels;
  readonly value: number;
}

export type Family =
  | { readonly type: 'counter' | 'gauge'; readonly name: string; readonly help: string; readonly samples: readonly ScalarSample[] }
  | { readonly type: 'histogram'; readonly name: string; readonly help: string; readonly samples: readonly { readonly labels: Labels; readonly data: HistogramData }[] };

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function writeExposition(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
    switch (f.type) {
      case 'counter':
      case 'gauge':
        for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${number(s.value)}`);
        break;
      case 'histogram':
        for (const s of f.samples) {
          let cumulative = 0;
          s.data.bounds.forEach((le, i) => {
            cumulative += s.data.counts[i] ?? 0;
            out.push(`${f.name}_bucket${labelText({ ...s.labels, le: number(le) })} ${cumulative}`);
          });
          out.push(`${f.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.data.count}`);
          out.push(`${f.name}_sum${labelText(s.labels)} ${number(s.data.sum)}`);
          out.push(`${f.name}_count${labelText(s.labels)} ${s.data.count}`);
        }
        break;
      default: {
        const never: never = f;
        throw new Error(`unknown metric family ${String(never)}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** A null label is left out, as Prometheus treats an empty one. */
function labelText(labels: Labels): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (v === null || v === '') continue;
    parts.push(`${k}="${String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function number(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
