// The `ps` tables: services with their condition, and every replica with its process and health.
import type { ServiceRow, StatusDoc } from '../../platform/api/contract/index.ts';
import { color } from './color.ts';
import { bytes, duration, table } from './table.ts';

export function conditionText(s: ServiceRow): string {
  const text = `${s.condition} ${s.ready}/${s.desired}`;
  switch (s.condition) {
    case 'running':
    case 'completed':
      return color.green(text);
    case 'starting':
    case 'degraded':
      return color.yellow(text);
    case 'crash-looping':
    case 'failed':
      return color.red(text);
    case 'stopped':
      return color.dim(text);
  }
}

/** An autoscaled service: running (ready) of desired within min–max, and the last reason. */
export function scalingText(s: ServiceRow): string {
  const a = s.autoscale;
  if (a === null) return '';
  const running = s.replicas.filter((r) => r.phase !== 'stopping').length;
  return `${running} → ${s.desired} (${a.min}–${a.max}): ${a.reason}`;
}

export function renderPs(status: StatusDoc, now: number): string {
  const services = table(
    ['SERVICE', 'ADDRESS', 'STATE', 'RESTARTS', 'LAST EXIT', 'SCALING'],
    status.services.map((s) => [
      s.name,
      s.address,
      conditionText(s),
      String(s.restarts),
      s.lastExit === null ? '' : s.lastExit.signal ?? `code ${s.lastExit.code}`,
      scalingText(s),
    ]),
  );
  const replicas = table(
    ['REPLICA', 'PID', 'PORT', 'STATE', 'HEALTH', 'RESTARTS', 'UPTIME', 'CPU', 'MEM'],
    status.services.flatMap((s) =>
      s.replicas.map((r) => [
        r.name,
        r.pid === null ? '-' : String(r.pid),
        r.port === null ? '-' : String(r.port),
        r.phase === 'stopping' ? color.dim(`stopping (${r.stopReason ?? ''})`) : r.ready ? color.green('ready') : color.yellow(r.phase),
        r.health === 'ok' || r.health === '' ? r.health : color.red(r.health.slice(0, 60)),
        String(r.restarts),
        r.startedAt === null ? '-' : duration(now - r.startedAt),
        r.cpu === undefined ? '-' : `${r.cpu}%`,
        r.memory === undefined ? '-' : bytes(r.memory),
      ]),
    ),
  );
  return `${services}\n\n${replicas}`;
}
