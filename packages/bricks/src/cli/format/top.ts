// The `top` table: per service (and, indented, per replica) requests per second, error rate,
// p50 and p99 latency from the replicas' RPC histograms, and CPU and memory of the processes.
import type { TopDoc, TopRow } from '../../platform/api/contract/index.ts';
import { color } from './color.ts';
import { bytes, duration, table } from './table.ts';

function rate(n: number): string {
  return n === 0 ? '0' : n < 10 ? n.toFixed(1) : n.toFixed(0);
}

function ms(v: number | null): string {
  if (v === null) return '-';
  return v < 1 ? `${v.toFixed(2)}ms` : v < 100 ? `${v.toFixed(1)}ms` : `${v.toFixed(0)}ms`;
}

function errors(r: TopRow | undefined): string {
  if (r === undefined || r.errorRate === null) return '-';
  const text = `${(r.errorRate * 100).toFixed(r.errorRate < 0.1 ? 1 : 0)}%`;
  return r.errorRate === 0 ? text : r.errorRate < 0.05 ? color.yellow(text) : color.red(text);
}

export function renderTop(doc: TopDoc): string {
  const rows = new Map(doc.rows.map((r) => [`${r.service}\0${r.replica ?? ''}`, r]));
  const services = [...new Set([...doc.addresses.map((a) => a.service), ...doc.replicas.map((r) => r.service)])].sort();
  const lines: string[][] = [];
  for (const service of services) {
    const address = doc.addresses.find((a) => a.service === service);
    const replicas = doc.replicas.filter((r) => r.service === service);
    const total = rows.get(`${service}\0`);
    const sum = (pick: (r: (typeof replicas)[number]) => number | null): number | null =>
      replicas.some((r) => pick(r) !== null) ? replicas.reduce((n, r) => n + (pick(r) ?? 0), 0) : null;
    const cpu = sum((r) => r.cpu);
    const memory = sum((r) => r.memory);
    // The address's count covers every program; the RPC histogram only SDK services (and calls that skip the address).
    const rps = total?.rps ?? address?.rps ?? 0;
    lines.push([
      color.bold(service),
      rate(rps),
      errors(total),
      ms(total?.p50Ms ?? null),
      ms(total?.p99Ms ?? null),
      String(address?.inFlight ?? 0),
      cpu === null ? '-' : `${cpu.toFixed(1)}%`,
      memory === null ? '-' : bytes(memory),
    ]);
    if (replicas.length < 2 && total === undefined) continue;
    for (const r of replicas) {
      const row = rows.get(`${service}\0${r.name}`);
      lines.push([
        `  ${r.name}`,
        row === undefined ? '-' : rate(row.rps),
        errors(row),
        ms(row?.p50Ms ?? null),
        ms(row?.p99Ms ?? null),
        '',
        r.cpu === null ? '-' : `${r.cpu.toFixed(1)}%`,
        r.memory === null ? '-' : bytes(r.memory),
      ]);
    }
  }
  const head = color.dim(
    `over the last ${duration(doc.windowMs)} · ${doc.store.series} series (max ${doc.store.maxSeries}), ${bytes(doc.store.bytes)}, kept ${duration(doc.store.retentionMs)}${doc.store.dropped > 0 ? `, ${doc.store.dropped} samples dropped at the series limit` : ''}`,
  );
  return `${table(['SERVICE', 'REQ/S', 'ERRORS', 'P50', 'P99', 'IN FLIGHT', 'CPU', 'MEM'], lines)}\n\n${head}`;
}
