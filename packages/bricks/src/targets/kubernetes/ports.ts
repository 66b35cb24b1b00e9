// The ports a service's pods listen on, named so that Services, probes and the Ingress refer
// to them by name and cannot disagree with the container.
import type { Service } from '../../stack/model.ts';
import { servicePort } from '../../stack/service-port.ts';

export interface NamedPort {
  /** An IANA service name (≤ 15 chars): `http` for the service port, `p-<n>` for others. */
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** The name of the service's own port (`$PORT`), used by probes and Services. */
export const servicePortName = 'http';

export function namedPorts(service: Service): NamedPort[] {
  const out: NamedPort[] = [{ name: servicePortName, port: servicePort(service), protocol: 'TCP' }];
  for (const p of service.ports) {
    const protocol = p.protocol === 'udp' ? 'UDP' : 'TCP';
    if (out.some((o) => o.port === p.target && o.protocol === protocol)) continue;
    out.push({ name: `p-${p.target}${protocol === 'UDP' ? 'u' : ''}`, port: p.target, protocol });
  }
  return out;
}
