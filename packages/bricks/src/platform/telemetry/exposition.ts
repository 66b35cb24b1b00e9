// Reads the Prometheus text exposition format (what every SDK replica's /metrics serves) into
// flat samples: a metric name, its labels and a value. Histograms and summaries arrive as the
// series they are made of (`_bucket`, `_sum`, `_count`); `# TYPE` lines say which is which.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Exposition {
  readonly samples: readonly Sample[];
  /** By metric family name (a histogram's, not its `_bucket` series'). */
  readonly types: ReadonlyMap<string, MetricType>;
}

const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Lines it cannot read are skipped: one bad exporter line must not lose the rest. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m && TYPES.has(m[2] as MetricType)) types.set(m[1]!, m[2] as MetricType);
      continue;
    }
    const s = parseSample(line);
    if (s !== null) samples.push(s);
  }
  return { samples, types };
}

function parseSample(line: string): Sample | null {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return null;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const key = NAME.exec(line.slice(i))?.[0];
      if (key === undefined || line[i + key.length] !== '=' || line[i + key.length + 1] !== '"') return null;
      i += key.length + 2;
      let value = '';
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\') {
          i++;
          value += line[i] === 'n' ? '\n' : (line[i] ?? '');
        } else value += line[i];
      }
      if (line[i] !== '"') return null;
      i++;
      labels[key] = value;
    }
  }
  const [valueText] = line.slice(i).trim().split(/\s+/);
  if (valueText === undefined || valueText === '') return null;
  const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
  if (Number.isNaN(value) && valueText !== 'NaN') return null;
  return { name, labels, value };
}

/** A series' identity: its name and its labels in a fixed order. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}
