// The autoscaler's policy for a service on Swarm, resolved when the stack file is rendered and
// carried to the stack's autoscaler service in a label (labels.ts: dev.bricks.autoscale), so
// the autoscaler needs no stack file of its own.
import { localAutoscale } from '../../../platform/local-defaults.ts';
import type { AutoscalePolicy } from '../../../platform/reconciler/autoscale.ts';
import type { Service } from '../../../stack/model.ts';
import { engineReplicas } from '../../engine-defaults.ts';

export interface SwarmAutoscale {
  readonly policy: AutoscalePolicy;
  /** Said once at deploy time when the stack asks for what Swarm cannot do. */
  readonly warning: string | null;
}

/**
 * The local platform's knobs, on purpose: a Swarm task starts in a second or two, as a local
 * replica does (no pod scheduling, no image pull: images are on the node), so the laptop's short
 * windows fit it better than the HPA's minutes. The floor is at least one: Swarm has nothing in
 * the request path that could hold a request while a task starts (no activator), so a service at
 * zero would refuse its callers until the next sample saw no load to wake it for.
 */
export function swarmAutoscale(service: Service): SwarmAutoscale | null {
  const a = service.bricks.autoscale;
  if (a === undefined) return null;
  const local = localAutoscale(a, engineReplicas(service));
  if (local.min >= 1) return { policy: local, warning: null };
  return {
    policy: { ...local, min: 1 },
    warning: `services.${service.name}: x-bricks.autoscale.min is 0, but Swarm has no activator to hold a request while a task starts; it runs at least 1 replica on Swarm`,
  };
}

/** The label's value, and back (the autoscaler refuses a label it cannot read, naming the service). */
export function encodePolicy(p: AutoscalePolicy): string {
  return JSON.stringify(p);
}

export function decodePolicy(service: string, text: string): AutoscalePolicy {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`service ${service}: its autoscale label is not JSON (${String(err)})`, { cause: err });
  }
  const p = v as Partial<AutoscalePolicy> | null;
  const numbers = ['min', 'max', 'tolerance', 'stableWindowMs', 'panicWindowMs', 'panicThreshold', 'maxScaleUpRate', 'scaleDownStabilizationMs', 'idleMs'] as const;
  const bad = p === null || typeof p !== 'object' ? ['(the whole label)'] : numbers.filter((k) => typeof p[k] !== 'number');
  if (bad.length > 0 || typeof p?.targets !== 'object' || p.targets === null) {
    throw new Error(`service ${service}: its autoscale label lacks ${bad.length > 0 ? bad.join(', ') : 'targets'}; redeploy with this bricks version`);
  }
  return p as AutoscalePolicy;
}
