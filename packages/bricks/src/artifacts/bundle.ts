// One esbuild run per service: the bundle's files in memory plus the metafile that says which
// sources it reached. The options are part of every digest, so changing them rebuilds everything.
import { build, version as esbuildVersion } from 'esbuild';
import type { BuildFailure, BuildOptions as EsbuildOptions, Message, OutputFile } from 'esbuild';
import { join } from 'node:path';
import { BuildError } from './errors.ts';
import { externalsPlugin } from './externals.ts';

/** Bumped whenever the artifact layout or the digest recipe changes. */
export const BUILD_FORMAT_VERSION = 1;
export const ENTRY_FILE = 'main.mjs';

/**
 * ESM bundles still meet CommonJS dependencies that call `require`, `__dirname` or
 * `__filename`; these give them node's own versions, scoped to the bundle file.
 */
const CJS_SHIMS = [
  "import { createRequire as __bricksCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bricksFileURLToPath } from 'node:url';",
  "import { dirname as __bricksDirname } from 'node:path';",
  'const require = __bricksCreateRequire(import.meta.url);',
  'const __filename = __bricksFileURLToPath(import.meta.url);',
  'const __dirname = __bricksDirname(__filename);',
].join('\n');

/** Everything about how a bundle is made that is not a path; it goes into the digest. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Node 20 is the runtime bricks supports (DESIGN.md, "Choices already made").
  target: 'node20',
  sourcemap: 'linked',
  // A replica's stack traces need the map's mappings, not the sources (they are in the repo):
  // without them the map is a third of the size, and node reads and parses it at every start.
  sourcesContent: false,
  // Less to scan and compile at every start (a cold start of a scaled-to-zero service, every
  // rolling update), with the names kept: stack traces and logs stay readable without the map.
  minifyWhitespace: true,
  minifySyntax: true,
  // Errors and logs print class names; esbuild's renaming of clashing names must not change them.
  keepNames: true,
  banner: { js: CJS_SHIMS },
  logLevel: 'silent',
} as const satisfies EsbuildOptions;

export function bundleFingerprint(): unknown {
  return { format: BUILD_FORMAT_VERSION, esbuild: esbuildVersion, options: BUNDLE_OPTIONS };
}

export interface BundleOutput {
  /** Metafile input paths, relative to rootDir. */
  readonly inputs: readonly string[];
  /** Install dirs (absolute) of packages left external. */
  readonly externalDirs: readonly string[];
  /** Output files by name relative to the artifact dir. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export async function bundle(opts: {
  readonly service: string;
  readonly rootDir: string;
  readonly outDir: string;
  readonly entry: string;
  readonly forcedExternal: ReadonlySet<string>;
}): Promise<BundleOutput> {
  // Outputs are named as if in `<outDir>/_/`: every artifact dir is one level below outDir, so
  // the source map's relative paths come out the same before the digest (and the dir) is known.
  const placeholderDir = join(opts.outDir, '_');
  const externalDirs = new Set<string>();
  let result;
  try {
    result = await build({
      ...BUNDLE_OPTIONS,
      absWorkingDir: opts.rootDir,
      entryPoints: [opts.entry],
      outfile: join(placeholderDir, ENTRY_FILE),
      write: false,
      metafile: true,
      plugins: [externalsPlugin(opts.forcedExternal, externalDirs)],
    });
  } catch (err) {
    throw bundleError(opts.service, opts.rootDir, err);
  }
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(outputName(placeholderDir, file), file.contents);
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !/^[\w-]+:/.test(p) && !p.startsWith('<'));
  return { inputs, externalDirs: [...externalDirs], files };
}

function outputName(placeholderDir: string, file: OutputFile): string {
  return file.path.slice(placeholderDir.length + 1);
}

function isBuildFailure(err: unknown): err is BuildFailure {
  return err instanceof Error && Array.isArray((err as Partial<BuildFailure>).errors);
}

function bundleError(service: string, rootDir: string, err: unknown): BuildError {
  if (!isBuildFailure(err) || err.errors.length === 0) {
    return new BuildError('bundle-failed', `${service}: ${err instanceof Error ? err.message : String(err)}`, { cause: err, service });
  }
  const first = err.errors[0] as Message;
  const loc = first.location;
  const location = loc ? { file: join(rootDir, loc.file), line: loc.line, column: loc.column + 1 } : undefined;
  const text = err.errors
    .map((m) => (m.location ? `${join(rootDir, m.location.file)}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text))
    .join('\n');
  return new BuildError('bundle-failed', text, { cause: err, service, ...(location ? { location } : {}) });
}
