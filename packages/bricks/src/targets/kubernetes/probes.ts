// Compose/bricks health settings as Kubernetes probes. `start_period` (failures do not count
// yet) is what a startupProbe means: liveness and readiness only start once it has passed.
import type { IProbe } from 'kubernetes-models/v1';
import type { Command, Probe, Service } from '../../stack/model.ts';
import { engineProbeTiming } from '../engine-defaults.ts';

type Handler = Pick<IProbe, 'httpGet' | 'tcpSocket' | 'exec'>;

export function argvOf(command: Command): string[] {
  switch (command.kind) {
    case 'argv':
      return [...command.argv];
    case 'shell':
      return ['sh', '-c', command.script];
  }
}

/** The probe's action; `portName` is the container port it checks. null for `none`. */
export function probeHandler(probe: Probe, portName: string): Handler | null {
  switch (probe.kind) {
    case 'http':
      return { httpGet: { path: probe.path, port: portName } };
    case 'tcp':
      return { tcpSocket: { port: portName } };
    case 'exec':
      return { exec: { command: argvOf(probe.command) } };
    case 'none':
      return null;
  }
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export interface ContainerProbes {
  readinessProbe?: IProbe;
  livenessProbe?: IProbe;
  startupProbe?: IProbe;
}

export function containerProbes(service: Service, portName: string): ContainerProbes {
  const health = service.health;
  const t = engineProbeTiming(service);
  const timing = {
    periodSeconds: seconds(t.intervalMs),
    timeoutSeconds: seconds(t.timeoutMs),
    failureThreshold: Math.max(1, t.retries),
  };
  const out: ContainerProbes = {};
  const readiness = probeHandler(health.readiness, portName);
  const liveness = probeHandler(health.liveness, portName);
  if (readiness) out.readinessProbe = { ...readiness, ...timing, successThreshold: 1 };
  if (liveness) out.livenessProbe = { ...liveness, ...timing };
  const first = liveness ?? readiness;
  if (first && t.startPeriodMs > 0) {
    const period = seconds(t.startIntervalMs > 0 ? t.startIntervalMs : t.intervalMs);
    out.startupProbe = {
      ...first,
      periodSeconds: period,
      timeoutSeconds: timing.timeoutSeconds,
      // Enough attempts to cover the whole start period, then the usual retries.
      failureThreshold: Math.ceil(t.startPeriodMs / 1000 / period) + timing.failureThreshold,
    };
  }
  return out;
}
