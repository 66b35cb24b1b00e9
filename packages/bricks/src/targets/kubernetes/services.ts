// Two Services per bricks service: the ClusterIP one (the stable service address, what the
// Ingress and non-SDK clients use) and a headless one whose DNS lists every ready pod, for
// the SDK's client-side balancing.
import { Service as KubeService } from 'kubernetes-models/v1';
import type { Service } from '../../stack/model.ts';
import { dnsLabel } from '../naming.ts';
import { headlessName, metadata, selectorLabels } from './context.ts';
import type { RenderContext } from './context.ts';
import { namedPorts } from './ports.ts';

function ports(service: Service) {
  return namedPorts(service).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol }));
}

export function renderServices(ctx: RenderContext, service: Service): KubeService[] {
  return [
    new KubeService({
      metadata: metadata(ctx, dnsLabel(service.name), service),
      spec: { type: 'ClusterIP', selector: selectorLabels(ctx, service), ports: ports(service) },
    }),
    new KubeService({
      metadata: metadata(ctx, headlessName(service), service),
      spec: { clusterIP: 'None', selector: selectorLabels(ctx, service), ports: ports(service) },
    }),
  ];
}
