// What the targets report while they work, so that the CLI can print progress lines.
// Every long operation takes an optional `onProgress` callback of this type.

export type TargetEvent =
  /** One step of a larger operation (`writing manifests`, `docker stack deploy`). */
  | { readonly kind: 'step'; readonly message: string }
  /** One service's image: what happened to it. */
  | {
      readonly kind: 'image';
      readonly service: string;
      readonly action: 'building' | 'built' | 'reused' | 'pushing' | 'pushed' | 'external';
      readonly ref: string;
    }
  /** One service's convergence on an engine: running replicas against desired. */
  | {
      readonly kind: 'converge';
      readonly service: string;
      readonly running: number;
      readonly desired: number;
      /** The service is where the deploy wants it (its image, all replicas, no update in flight). */
      readonly done: boolean;
    }
  /** A file written (manifests, chart, Swarm stack file). */
  | { readonly kind: 'file'; readonly path: string };

export type OnProgress = (event: TargetEvent) => void;

export function formatEvent(e: TargetEvent): string {
  switch (e.kind) {
    case 'step':
      return e.message;
    case 'image':
      return `${e.service}: ${e.action} ${e.ref}`;
    case 'converge':
      return `${e.service}: ${e.running}/${e.desired} running${e.done ? ', done' : ''}`;
    case 'file':
      return `wrote ${e.path}`;
  }
}
