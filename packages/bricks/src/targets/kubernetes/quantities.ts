// Compose resource values as Kubernetes quantities.
import type { IResourceRequirements } from 'kubernetes-models/v1';
import type { ResourceSet, Resources } from '../../stack/model.ts';

/** Bytes in the largest binary unit that divides them exactly (`512Mi`, not `536870912`). */
export function memoryQuantity(bytes: number): string {
  for (const [unit, size] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function quantities(set: ResourceSet | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (set?.cpus !== undefined) out['cpu'] = String(set.cpus);
  if (set?.memoryBytes !== undefined) out['memory'] = memoryQuantity(set.memoryBytes);
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * limits ← `deploy.resources.limits`, requests ← `reservations`. `cpuRequestFallback` is used
 * when the service autoscales on CPU but reserves none: utilisation is a share of the request.
 */
export function resourceRequirements(r: Resources | undefined, cpuRequestFallback: string | null): IResourceRequirements | undefined {
  const limits = quantities(r?.limits);
  let requests = quantities(r?.reservations);
  if (cpuRequestFallback !== null && requests?.['cpu'] === undefined) {
    requests = { ...requests, cpu: cpuRequestFallback };
  }
  if (!limits && !requests) return undefined;
  return { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
}
