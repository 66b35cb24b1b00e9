// An Ingress for each edge service (the ones that publish ports): all paths to its ClusterIP
// Service. Host and class are left to the cluster's defaults; the Helm values can set them.
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import type { Service } from '../../stack/model.ts';
import { isEdge } from '../service-shape.ts';
import { dnsLabel } from '../naming.ts';
import { metadata } from './context.ts';
import type { RenderContext } from './context.ts';
import { servicePortName } from './ports.ts';

export function renderIngress(ctx: RenderContext, service: Service): Ingress | null {
  if (!isEdge(service)) return null;
  const name = dnsLabel(service.name);
  return new Ingress({
    metadata: metadata(ctx, name, service),
    spec: {
      rules: [{
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: servicePortName } } } }],
        },
      }],
    },
  });
}
