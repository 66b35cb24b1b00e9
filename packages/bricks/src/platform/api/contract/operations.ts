// POST /v1/deploy and /v1/rollback: operations that answer with NDJSON lines, progress first,
// then one result or one error.
import type { BuildEvent } from '../../../artifacts/index.ts';

export type DeployProgress =
  | { readonly kind: 'build'; readonly event: BuildEvent }
  | { readonly kind: 'note'; readonly message: string };

export type DeployOutcome = 'completed' | 'unchanged' | 'rolled-back' | 'paused' | 'failed';

export interface DeployResult {
  readonly outcome: DeployOutcome;
  /** The release recorded, if any (sources mode records none). */
  readonly release: number | null;
  readonly sha: string | null;
  /** Services whose replicas were replaced (or added, or removed). */
  readonly changed: readonly string[];
  readonly detail: string;
}

export type OperationLine =
  | { readonly kind: 'progress'; readonly progress: DeployProgress }
  | { readonly kind: 'result'; readonly result: DeployResult }
  /** `code` is the failing layer's own (a DeployError's `invalid-stack`, say), or `internal`. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** What a rollback without a reference puts back: the release before the current one. */
export const DEFAULT_ROLLBACK_REF = '-1';
