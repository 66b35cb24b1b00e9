// What the engine targets derive from a service in the model: whether it is the edge, where
// its image comes from, and its autoscaler's bounds.
import type { AutoscaleSpec, Service } from '../stack/model.ts';
import { engineReplicas } from './engine-defaults.ts';

/**
 * The edge is the service reachable from outside: it publishes ports, or says `x-bricks.edge: true`.
 * A gateway is the edge by what it is for, unless it says `edge: false`.
 */
export function isEdge(service: Service): boolean {
  return service.ports.length > 0 || (service.bricks.edge ?? service.bricks.gateway !== undefined);
}

/** What image a service runs: the one bricks builds from its artifact, or a Compose `image:` as-is. */
export type ImageSource =
  | { readonly kind: 'built' }
  | { readonly kind: 'external'; readonly ref: string };

export function imageSource(service: Service): ImageSource {
  // A gateway's image is built from bricks' gateway program and its descriptor set (images/gateway-image.ts).
  const built = service.build !== undefined || service.bricks.run !== undefined || service.bricks.gateway !== undefined;
  return service.image !== undefined && !built ? { kind: 'external', ref: service.image } : { kind: 'built' };
}

/**
 * Whether a service's replicas serve the SDK's /metrics: the ones bricks builds. An image bricks
 * did not build (postgres) serves none, and a scrape of it would only ever be down.
 */
export function servesMetrics(service: Service): boolean {
  return imageSource(service).kind === 'built';
}

export interface Autoscale {
  /** The floor: `min`, else the service's replicas. */
  readonly min: number;
  readonly max: number;
  /** Targets per replica (null: not scaled on it). */
  readonly cpu: number | null;
  readonly rps: number | null;
  readonly concurrency: number | null;
  /** The stack's knobs as written: each engine fills in its own defaults (engine-defaults.ts). */
  readonly spec: AutoscaleSpec;
}

/** `x-bricks.autoscale` with its floor resolved; null when the service does not autoscale. */
export function autoscaleOf(service: Service): Autoscale | null {
  const a = service.bricks.autoscale;
  if (a === undefined) return null;
  return {
    min: a.min ?? engineReplicas(service),
    max: a.max,
    cpu: a.cpu ?? null,
    rps: a.rps ?? null,
    concurrency: a.concurrency ?? null,
    spec: a,
  };
}
