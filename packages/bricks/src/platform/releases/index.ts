// Releases: the stack at one git SHA, recorded append-only; history, references, diffs, and
// the collection of artifacts no kept release needs.
export { ReleaseStore, LOG_FILE } from './release-store.ts';
export type { RecoveryReport, ReleaseStoreOptions } from './release-store.ts';
export type {
  NewRelease,
  Outcome,
  OutcomeKind,
  OutcomeRecord,
  Release,
  ReleaseEntry,
  ReleaseKind,
  ReleaseStatus,
  ReleasedService,
} from './model.ts';
export { isUnfinished, modelOf } from './model.ts';
export { ReleaseError } from './errors.ts';
export type { ReleaseErrorCode } from './errors.ts';
export { diffReleases, diffServices, differingPaths } from './release-diff.ts';
export type { ReleaseDiff, ServiceChange } from './release-diff.ts';
export { gitHead, gitIgnores, gitState } from './git-state.ts';
export type { GitState, IgnoreVerdict } from './git-state.ts';
export { DEFAULT_KEEP_RELEASES, collectArtifacts } from './collect-artifacts.ts';
export type { CollectOptions, CollectResult } from './collect-artifacts.ts';

// For tests and tools that read the history without a store:
export { currentOf, entriesOf, resolveRef } from './history.ts';
