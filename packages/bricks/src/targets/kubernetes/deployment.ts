// One Deployment per service: the pod template (image, env, ports, probes, resources, secret
// and named-volume mounts) and the rolling update that `deploy.update_config` describes.
import { Deployment } from 'kubernetes-models/apps/v1';
import type { IDeploymentStrategy } from 'kubernetes-models/apps/v1';
import type { IContainer, IVolume } from 'kubernetes-models/v1';
import type { Service } from '../../stack/model.ts';
import { engineReplicas, engineStopGraceMs, engineUpdate } from '../engine-defaults.ts';
import type { EngineUpdate } from '../engine-defaults.ts';
import { autoscaleOf, imageSource } from '../service-shape.ts';
import { KEDA_HTTP_ADDON } from '../engine-defaults.ts';
import { servicePort } from '../../stack/service-port.ts';
import { dnsLabel, replicaEnvironment } from '../naming.ts';
import { addressHost, metadata, objectLabels, selectorLabels } from './context.ts';
import { activatorName, throughActivator } from './keda/scaled-object.ts';
import { podAnnotations } from './monitoring.ts';
import { scalingPlan } from './scaling.ts';
import type { RenderContext } from './context.ts';
import { namedPorts, servicePortName } from './ports.ts';
import { argvOf, containerProbes } from './probes.ts';
import { resourceRequirements } from './quantities.ts';
import { sourceMounts } from './sources.ts';
import { claimMounts } from './volumes.ts';
import { ambassadorCommand } from '../ambassador.ts';

/** A tenth of a core: the CPU request an autoscaled service gets when it reserves none, since
 * the HPA measures utilisation as a share of the request and cannot work without one. */
export const defaultCpuRequest = '100m';

/**
 * Swarm's knobs in Kubernetes words: `parallelism` replicas change at a time; start-first
 * surges new pods before old ones go, stop-first takes old ones down first. Parallelism 0
 * means all at once. `delay` between batches has no direct twin; minReadySeconds (a new pod
 * must stay ready this long before the rollout moves on) is the nearest.
 */
export function rollingUpdate(u: EngineUpdate): { strategy: IDeploymentStrategy; minReadySeconds?: number } {
  const step = u.parallelism === 0 ? '100%' : u.parallelism;
  const rollingUpdate = u.order === 'start-first'
    ? { maxSurge: step, maxUnavailable: 0 }
    : { maxSurge: 0, maxUnavailable: step };
  const minReadySeconds = Math.ceil(u.delayMs / 1000);
  return {
    strategy: { type: 'RollingUpdate', rollingUpdate },
    ...(minReadySeconds > 0 ? { minReadySeconds } : {}),
  };
}

/** A service's container and pod volumes; `claims: false` leaves its named volumes' pod volumes out (a StatefulSet's claim templates give them). */
export function podParts(ctx: RenderContext, service: Service, claims = true): { container: IContainer; volumes: IVolume[] } {
  const name = dnsLabel(service.name);
  const autoscale = autoscaleOf(service);
  // A service that scales to zero is called through the KEDA HTTP add-on's interceptor, which
  // holds the request while a pod starts (its DNS name: the `<name>-activator` Service).
  const env = replicaEnvironment(
    ctx.stack, service, 'kubernetes',
    (other) => (throughActivator(other) ? activatorName(other) : addressHost(other)),
    (other) => (throughActivator(other) ? KEDA_HTTP_ADDON.interceptorPort : servicePort(other)),
  );
  const sources = sourceMounts(ctx, service);
  const named = claimMounts(ctx, service);
  const volumes = [...sources.volumes, ...(claims ? named.volumes : [])];
  const mounts = [...sources.mounts, ...named.mounts];
  // CPU utilisation is a share of the request: needed for a CPU target, and for an HPA without
  // any target (it then scales on 80% CPU, its default).
  const plan = scalingPlan(service);
  const resources = resourceRequirements(
    service.deploy.resources,
    autoscale?.cpu != null || plan.kind === 'hpa' ? defaultCpuRequest : null,
  );
  const source = imageSource(service);
  const container: IContainer = {
    name,
    image: ctx.image(service),
    imagePullPolicy: 'IfNotPresent',
    ports: namedPorts(service).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
    env: Object.keys(env).sort().map((k) => ({ name: k, value: env[k] ?? '' })),
    ...containerProbes(service, servicePortName),
    ...(resources ? { resources } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  // An image bricks did not build keeps its own entrypoint; Compose `command` overrides its CMD.
  if (source.kind === 'external' && service.command !== null) container.args = argvOf(service.command);
  // An ambassador runs bricks' forwarder from its ConfigMap (sources.ts) on the image's Node.
  const forwarder = ambassadorCommand(service);
  if (forwarder !== null) {
    container.command = forwarder.slice(0, 2);
    container.args = forwarder.slice(2);
  }
  return { container, volumes };
}

export function renderDeployment(ctx: RenderContext, service: Service): Deployment {
  const name = dnsLabel(service.name);
  const autoscale = autoscaleOf(service);
  const { container, volumes } = podParts(ctx, service);
  return new Deployment({
    metadata: metadata(ctx, name, service),
    spec: {
      // With an HPA the autoscaler owns the replica count; a fixed one would fight it on every apply.
      ...(autoscale ? {} : { replicas: engineReplicas(service) }),
      selector: { matchLabels: selectorLabels(ctx, service) },
      ...rollingUpdate(engineUpdate(service)),
      template: {
        metadata: { labels: objectLabels(ctx, service), annotations: podAnnotations(ctx, service) },
        spec: {
          terminationGracePeriodSeconds: Math.ceil(engineStopGraceMs(service) / 1000),
          containers: [container],
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      },
    },
  });
}
