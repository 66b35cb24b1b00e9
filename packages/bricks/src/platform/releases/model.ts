// What a release is: the whole stack at one git SHA, every service's artifact digest and
// resolved configuration. Releases are immutable; what happened to them is a separate log.
import type { Service } from '../../stack/model.ts';

export type ReleaseKind = 'deploy' | 'rollback';

export interface ReleasedService {
  readonly digest: string;
  /** The resolved Service as the release saw it; a rollback runs exactly this again. */
  readonly config: Service;
}

export interface Release {
  /** 1, 2, 3, … in the order releases were recorded. */
  readonly id: number;
  readonly sha: string;
  /** The work tree had uncommitted changes (including untracked files). */
  readonly dirty: boolean;
  /** Hash of those changes, so two dirty releases of one SHA can be told apart. */
  readonly dirtyHash?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly services: Readonly<Record<string, ReleasedService>>;
  /** The release that was current when this one was recorded. */
  readonly previous?: number;
  readonly kind: ReleaseKind;
  /** For a rollback: the release whose artifacts it puts back. */
  readonly rollbackOf?: number;
  /**
   * The shape its services' `config` was saved in (the stack's STACK_MODEL_VERSION then);
   * absent in releases recorded before bricks wrote it, which are version 1.
   */
  readonly model?: number;
}

/** The stack model a release's configs are in. */
export function modelOf(release: Release): number {
  return release.model ?? 1;
}

/** What `record` takes: the store assigns the id and, unless given, the time and `previous`. */
export interface NewRelease {
  readonly sha: string;
  readonly dirty: boolean;
  readonly dirtyHash?: string;
  readonly services: Readonly<Record<string, ReleasedService>>;
  readonly kind: ReleaseKind;
  readonly rollbackOf?: number;
  /** Default: the current release's id (none if there is none). */
  readonly previous?: number;
  readonly createdAt?: string;
}

/** What can happen to a release, in the order a rollout goes through it. */
export type Outcome =
  | { readonly kind: 'started' }
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Replaced by the release it came from (automatic rollback) or by `bricks rollback`. */
  | { readonly kind: 'rolled-back'; readonly reason?: string; readonly to?: number }
  /** The daemon stopped mid-rollout (crash, kill -9) and found it unfinished on restart. */
  | { readonly kind: 'interrupted'; readonly reason?: string };

export type OutcomeKind = Outcome['kind'];

/** One line of the outcome log. */
export type OutcomeRecord = Outcome & { readonly id: number; readonly at: string };

/** The last outcome, or `recorded` when nothing has happened to the release yet. */
export type ReleaseStatus = 'recorded' | OutcomeKind;

export interface ReleaseEntry {
  readonly release: Release;
  readonly status: ReleaseStatus;
  /** Oldest first. */
  readonly outcomes: readonly OutcomeRecord[];
}

export function statusOf(outcomes: readonly OutcomeRecord[]): ReleaseStatus {
  const last = outcomes[outcomes.length - 1];
  return last === undefined ? 'recorded' : last.kind;
}

/** Whether a release's rollout may still be under way (or was cut short without anyone noticing). */
export function isUnfinished(status: ReleaseStatus): boolean {
  switch (status) {
    case 'recorded':
    case 'started':
      return true;
    case 'completed':
    case 'failed':
    case 'rolled-back':
    case 'interrupted':
      return false;
  }
}
