// The few numbers the Swarm autoscaler reads from a replica's /metrics (Prometheus' text
// format): the SDK server histogram's _sum and _count (every label set added up) and the
// process' CPU seconds (prom-client's default metric). Pure.
import { RPC_SERVER_DURATION } from '@bricks/sdk/metric-names';

export interface ReplicaCounters {
  /** Seconds spent serving calls, since the replica started. */
  readonly busySeconds: number;
  /** Calls served since the replica started. */
  readonly calls: number;
  /** CPU seconds used by the process since it started (0 when it does not say). */
  readonly cpuSeconds: number;
}

/** prom-client's name for the process' user + system CPU time. */
export const PROCESS_CPU = 'process_cpu_seconds_total';

export function readCounters(text: string): ReplicaCounters {
  let busySeconds = 0;
  let calls = 0;
  let cpuSeconds = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // `name{labels} value [timestamp]` or `name value`; label values may hold spaces, so the
    // name ends at `{` or the first space, and the value follows the closing brace.
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const name = line.slice(0, brace !== -1 && brace < space ? brace : space);
    const rest = brace !== -1 && brace < space ? line.slice(line.lastIndexOf('}') + 1) : line.slice(space);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    if (name === `${RPC_SERVER_DURATION}_sum`) busySeconds += value;
    else if (name === `${RPC_SERVER_DURATION}_count`) calls += value;
    else if (name === PROCESS_CPU) cpuSeconds += value;
  }
  return { busySeconds, calls, cpuSeconds };
}
