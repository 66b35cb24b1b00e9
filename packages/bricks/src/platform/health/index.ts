// Health probes: http, tcp and exec checks of one replica, and their schedule.
export { runProbe } from './probe.ts';
export type { ProbeResult, ProbeTarget } from './probe.ts';
export { Prober, sameProbe } from './prober.ts';
export type { Check, ProbeReport, ProbeRunner } from './prober.ts';
