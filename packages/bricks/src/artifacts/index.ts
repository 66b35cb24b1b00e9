// Per-service artifacts named by content digest: build them, and find them again.
export { buildStack } from './build-stack.ts';
export { BuildError } from './errors.ts';
export type { BuildErrorCode, SourceLocation } from './errors.ts';
export type { ArtifactManifest, BuildEvent, BuildOptions, BuildResult, ServiceArtifact } from './types.ts';

// For other parts of bricks (releases GC, image builder, runtime):
export { MANIFEST_FILE, artifactDir, hasArtifact, readManifest } from './artifact-dir.ts';
export { BUILD_FORMAT_VERSION, ENTRY_FILE } from './bundle.ts';
export { isDigest } from './hash.ts';
export { findLockfile, packageManagerOf, workspaceRoot } from './lockfile.ts';
export type { PackageManager } from './lockfile.ts';
