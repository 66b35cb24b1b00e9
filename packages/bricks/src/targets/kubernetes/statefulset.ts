// A backing service (a database) as Kubernetes runs state: a StatefulSet of one pod whose named
// volumes are claim templates, so the pod and its PersistentVolumeClaim keep one identity
// (`data-db-data-db-0`) through updates, restarts and reschedules, where a Deployment's pods come
// and go. Its Services are the usual ClusterIP and headless pair (services.ts); the headless one
// is the StatefulSet's governing service.
import { StatefulSet } from 'kubernetes-models/apps/v1';
import type { Service } from '../../stack/model.ts';
import { engineStopGraceMs } from '../engine-defaults.ts';
import { dnsLabel } from '../naming.ts';
import { defaultClaimSize, claimMounts } from './volumes.ts';
import { headlessName, metadata, objectLabels, selectorLabels } from './context.ts';
import type { RenderContext } from './context.ts';
import { podParts } from './deployment.ts';

/**
 * The uid and gid of the postgres user in the official image (and in bricks' Debian-built one):
 * a fresh claim's files must be that user's to write, which the kubelet arranges through fsGroup.
 */
export const POSTGRES_FS_GROUP = 999;

/**
 * Where PostgreSQL's files go inside the claim: a directory below the mount point, because a
 * fresh volume's root may hold `lost+found`, which initdb refuses (the official image's advice).
 */
function pgdata(service: Service): string | null {
  const mount = service.volumes.find((v) => v.type === 'volume');
  return mount === undefined || service.environment['PGDATA'] !== undefined ? null : `${mount.target.replace(/\/+$/, '')}/pgdata`;
}

export function renderStatefulSet(ctx: RenderContext, service: Service): StatefulSet {
  const name = dnsLabel(service.name);
  const { container, volumes } = podParts(ctx, service, false);
  const dataDir = pgdata(service);
  if (dataDir !== null) container.env = [...(container.env ?? []), { name: 'PGDATA', value: dataDir }];
  const templates = [...new Set(claimMounts(ctx, service).volumes.map((v) => v.name))];
  return new StatefulSet({
    metadata: metadata(ctx, name, service),
    spec: {
      // One server owns the data; PostgreSQL replicas are a replication setup, not more pods.
      replicas: 1,
      serviceName: headlessName(service),
      selector: { matchLabels: selectorLabels(ctx, service) },
      // The old pod goes before the new one starts (a StatefulSet's only order): the claim is ReadWriteOnce.
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: objectLabels(ctx, service) },
        spec: {
          terminationGracePeriodSeconds: Math.ceil(engineStopGraceMs(service) / 1000),
          securityContext: { fsGroup: POSTGRES_FS_GROUP },
          containers: [container],
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      },
      volumeClaimTemplates: templates.map((t) => ({
        metadata: { name: t },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: defaultClaimSize } } },
      })),
    },
  });
}
