// Health probes: http, tcp and exec checks of one replica, their schedule, and the port
// (port.ts) through which the supervisor has them watched.
export { runProbe } from './probe.ts';
export type { ProbeResult, ProbeTarget } from './probe.ts';
export type { Check, HealthWatch, HealthWatcher, ProbeReport, WatchRequest } from './port.ts';
export { Prober, probers, sameProbe } from './prober.ts';
export type { ProbeRunner } from './prober.ts';
