// The build's public shapes: options, per-service progress events, results and the manifest
// that other parts (the local runtime, the image builder) read from an artifact directory.
import type { BuildError, SourceLocation } from './errors.ts';

export interface BuildOptions {
  /** The monorepo root: where the lockfile is (see workspaceRoot) and what input paths are relative to. */
  readonly rootDir: string;
  /** Where artifact directories go, one per digest (e.g. `<project>/.bricks/artifacts`). */
  readonly outDir: string;
  /** Build only these services (default: all of the stack's). */
  readonly only?: readonly string[];
  readonly onProgress?: (event: BuildEvent) => void;
}

export type BuildEvent =
  | { readonly kind: 'resolving'; readonly service: string }
  | { readonly kind: 'cached'; readonly service: string; readonly digest: string }
  | { readonly kind: 'bundling'; readonly service: string }
  | {
      readonly kind: 'done';
      readonly service: string;
      readonly digest: string;
      readonly rebuilt: boolean;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'failed';
      readonly service: string;
      /** esbuild's text, prefixed with file:line:column when it has a location. */
      readonly message: string;
      readonly location: SourceLocation | undefined;
      readonly error: BuildError;
    };

export interface ServiceArtifact {
  readonly service: string;
  readonly digest: string;
  /** The artifact directory, `<outDir>/<digest>`. */
  readonly dir: string;
  /** What to run, relative to `cwd`: `node … main.mjs …` for a bundle, the service's own command in place. */
  readonly command: readonly string[];
  /** The artifact dir for a bundle; the service's working_dir for an in-place service. */
  readonly cwd: string;
  readonly inPlace: boolean;
  /** False when an artifact with this digest already existed and was reused. */
  readonly rebuilt: boolean;
  /** Source files (relative to rootDir) that went into the digest. */
  readonly inputs: readonly string[];
  /** npm packages that went into the digest, as `name@version`. */
  readonly packages: readonly string[];
}

export interface BuildResult {
  /** In stack order. */
  readonly services: readonly ServiceArtifact[];
  readonly durationMs: number;
}

/** `manifest.json` in every artifact directory. */
export interface ArtifactManifest {
  readonly format: number;
  readonly service: string;
  readonly digest: string;
  /** Relative to the artifact directory (or to `workingDir` when `inPlace`). */
  readonly command: readonly string[];
  readonly inPlace: boolean;
  /** In-place only: the service's working_dir relative to the monorepo root. */
  readonly workingDir?: string;
  readonly inputs: readonly string[];
  readonly packages: readonly string[];
  /** Packages copied into `node_modules/` because they cannot be bundled. */
  readonly externals: readonly string[];
  readonly createdAt: string;
}
