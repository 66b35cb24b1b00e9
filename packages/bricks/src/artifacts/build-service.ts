// Builds one service: checks the previous build's stamps first (stats only), and runs esbuild
// only when something it depends on changed; a digest that already has a directory is reused.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Service } from '../stack/model.ts';
import { BUILD_FORMAT_VERSION, ENTRY_FILE, bundle, bundleFingerprint } from './bundle.ts';
import { artifactDir, hasArtifact, publishArtifact, readManifest, writeFileIn } from './artifact-dir.ts';
import { readCache, writeCache } from './build-cache.ts';
import type { ServiceCache } from './build-cache.ts';
import { configForDigest } from './config-digest.ts';
import { configInputs } from './config-inputs.ts';
import { planEntry } from './entry.ts';
import type { EntryPlan } from './entry.ts';
import { BuildError } from './errors.ts';
import { copyPackages, externalClosure } from './externals.ts';
import { stampFile } from './file-stamps.ts';
import type { FileStamp } from './file-stamps.ts';
import { sha256, stableJson } from './hash.ts';
import { inPlaceInputs } from './in-place.ts';
import { statLockfile } from './lockfile.ts';
import type { LockEntry, Lockfile } from './lockfile.ts';
import type { ArtifactManifest, BuildEvent, ServiceArtifact } from './types.ts';

export interface ServiceBuildContext {
  readonly rootDir: string;
  readonly outDir: string;
  /** Read at most once per build, and only when needed. */
  readonly lockfile: () => Lockfile;
  readonly emit: (event: BuildEvent) => void;
}

export async function buildService(service: Service, ctx: ServiceBuildContext): Promise<ServiceArtifact> {
  const started = performance.now();
  const name = service.name;
  ctx.emit({ kind: 'resolving', service: name });
  const plan = planEntry(service);
  const key = sha256(stableJson({ bundle: bundleFingerprint(), plan: relativePlan(plan, ctx.rootDir), config: configForDigest(service, ctx.rootDir) }));
  const cache = readCache(ctx.outDir, name);
  const previous = cache?.key === key ? cache : undefined;

  let outcome: { digest: string; rebuilt: boolean; inputs: readonly string[] };
  if (plan.kind === 'bundle') {
    if (!existsSync(plan.entry)) {
      throw new BuildError('entry-not-found', `${name}: entry ${plan.entry} does not exist`, { service: name });
    }
    const unchanged = previous ? stillValid(previous, ctx) : undefined;
    if (previous && unchanged) {
      if (unchanged !== previous) writeCache(ctx.outDir, name, unchanged);
      ctx.emit({ kind: 'cached', service: name, digest: previous.digest });
      outcome = { digest: previous.digest, rebuilt: false, inputs: previous.sources.map((s) => s.path) };
    } else {
      ctx.emit({ kind: 'bundling', service: name });
      outcome = await bundleService(service, plan.entry, key, previous ?? cache, ctx, bundleCommand(plan));
    }
  } else {
    outcome = await inPlaceService(service, plan.command, key, previous, ctx);
  }

  const dir = artifactDir(ctx.outDir, outcome.digest);
  const manifest = readManifest(dir);
  const artifact: ServiceArtifact = {
    service: name,
    digest: outcome.digest,
    dir,
    command: manifest.command,
    cwd: manifest.inPlace ? service.workingDir : dir,
    inPlace: manifest.inPlace,
    rebuilt: outcome.rebuilt,
    inputs: outcome.inputs,
    packages: manifest.packages,
  };
  ctx.emit({ kind: 'done', service: name, digest: outcome.digest, rebuilt: outcome.rebuilt, durationMs: performance.now() - started });
  return artifact;
}

function relativePlan(plan: EntryPlan, rootDir: string): unknown {
  switch (plan.kind) {
    case 'bundle':
      return { kind: plan.kind, entry: toPosix(relative(rootDir, plan.entry)), nodeFlags: plan.nodeFlags, args: plan.args };
    case 'in-place':
      return plan;
  }
}

function bundleCommand(plan: Extract<EntryPlan, { kind: 'bundle' }>): readonly string[] {
  // The bundle ships with its source map; without this flag node would print bundle positions.
  const flags = plan.nodeFlags.includes('--enable-source-maps') ? plan.nodeFlags : [...plan.nodeFlags, '--enable-source-maps'];
  return ['node', ...flags, ENTRY_FILE, ...plan.args];
}

/**
 * The previous cache if every input is provably unchanged (possibly with refreshed stamps, as a
 * new object), else undefined. Reads contents only of files whose stat changed.
 */
function stillValid(previous: ServiceCache, ctx: ServiceBuildContext): ServiceCache | undefined {
  if (!hasArtifact(ctx.outDir, previous.digest)) return undefined;
  const lockStat = statLockfile(ctx.rootDir);
  let refreshed = false;
  if (!sameStat(lockStat, previous.lockfile)) {
    const entries = lockEntries(ctx.lockfile(), previous.packageKeys);
    if (entries === undefined || packagesHash(entries) !== previous.packagesHash) return undefined;
    refreshed = true;
  }
  const now = Date.now();
  const sources: FileStamp[] = [];
  for (const stamp of previous.sources) {
    const next = stampFile(ctx.rootDir, stamp.path, stamp, now);
    if (next === null || next.hash !== stamp.hash) return undefined;
    if (next !== stamp) refreshed = true;
    sources.push(next);
  }
  return refreshed ? { ...previous, sources, lockfile: lockStat } : previous;
}

async function bundleService(
  service: Service,
  entry: string,
  key: string,
  previous: ServiceCache | undefined,
  ctx: ServiceBuildContext,
  command: readonly string[],
): Promise<{ digest: string; rebuilt: boolean; inputs: readonly string[] }> {
  const forced = service.bricks['external'];
  const forcedExternal = new Set(Array.isArray(forced) ? forced.filter((x): x is string => typeof x === 'string') : []);
  const out = await bundle({ service: service.name, rootDir: ctx.rootDir, outDir: ctx.outDir, entry, forcedExternal });
  const lockfile = ctx.lockfile();

  const sourcePaths = new Set<string>();
  const packages = new Map<string, LockEntry>();
  for (const input of out.inputs) {
    const pkg = lockfile.packageOf(input);
    if (pkg) packages.set(pkg.key, pkg);
    else sourcePaths.add(input);
  }
  for (const path of configInputs(ctx.rootDir, [...sourcePaths])) sourcePaths.add(path);
  const { entries: externals, layout } = externalClosure(lockfile, ctx.rootDir, out.externalDirs);
  for (const pkg of externals) packages.set(pkg.key, pkg);

  const sources = stampAll(ctx.rootDir, [...sourcePaths].sort(), previous, service.name);
  const entries = [...packages.values()];
  const pkgHash = packagesHash(entries);
  const digest = computeDigest(key, sources, pkgHash);
  const inputs = sources.map((s) => s.path);

  let rebuilt = false;
  if (!hasArtifact(ctx.outDir, digest)) {
    const manifest: ArtifactManifest = {
      format: BUILD_FORMAT_VERSION,
      service: service.name,
      digest,
      command,
      inPlace: false,
      inputs,
      packages: packageNames(entries),
      externals: packageNames(externals),
      createdAt: new Date().toISOString(),
    };
    rebuilt = publishArtifact(ctx.outDir, manifest, (dir) => {
      for (const [file, contents] of out.files) writeFileIn(dir, file, contents);
      copyPackages(ctx.rootDir, dir, layout);
    });
  }
  writeCache(ctx.outDir, service.name, {
    key,
    digest,
    sources,
    packageKeys: entries.map((e) => e.key).sort(),
    packagesHash: pkgHash,
    lockfile: statLockfile(ctx.rootDir),
    externals: packageNames(externals),
  });
  return { digest, rebuilt, inputs };
}

async function inPlaceService(
  service: Service,
  command: readonly string[],
  key: string,
  previous: ServiceCache | undefined,
  ctx: ServiceBuildContext,
): Promise<{ digest: string; rebuilt: boolean; inputs: readonly string[] }> {
  // A service with nothing to run locally (an image-only service) has no files of its own: its config is all.
  // A gateway's file is its descriptor set, the API it serves (bricks' program is bricks' own).
  const gateway = service.bricks.gateway;
  const paths =
    gateway !== undefined ? descriptorInputs(gateway.descriptors, ctx.rootDir)
    : command.length === 0 ? []
    : await inPlaceInputs(service.name, service.workingDir, ctx.rootDir);
  const sources = stampAll(ctx.rootDir, paths, previous, service.name, { skipMissing: true });
  const digest = computeDigest(key, sources, packagesHash([]));
  const inputs = sources.map((s) => s.path);
  let rebuilt = false;
  if (!hasArtifact(ctx.outDir, digest)) {
    const manifest: ArtifactManifest = {
      format: BUILD_FORMAT_VERSION,
      service: service.name,
      digest,
      command,
      inPlace: true,
      workingDir: toPosix(relative(ctx.rootDir, service.workingDir)) || '.',
      inputs,
      packages: [],
      externals: [],
      createdAt: new Date().toISOString(),
    };
    rebuilt = publishArtifact(ctx.outDir, manifest, () => {});
  }
  if (previous === undefined || previous.digest !== digest || sources.some((s, i) => s !== previous.sources[i])) {
    writeCache(ctx.outDir, service.name, { key, digest, sources, packageKeys: [], packagesHash: packagesHash([]), lockfile: null, externals: [] });
  }
  return { digest, rebuilt, inputs };
}

/** The descriptor set as an input (relative to rootDir); one outside the project is left to the daemon's version. */
function descriptorInputs(file: string, rootDir: string): string[] {
  const rel = toPosix(relative(rootDir, file));
  return rel.startsWith('../') || isAbsolute(rel) ? [] : [rel];
}

function stampAll(
  rootDir: string,
  paths: readonly string[],
  previous: ServiceCache | undefined,
  service: string,
  opts: { skipMissing?: boolean } = {},
): FileStamp[] {
  const known = new Map((previous?.sources ?? []).map((s) => [s.path, s]));
  const now = Date.now();
  const out: FileStamp[] = [];
  for (const path of paths) {
    const stamp = stampFile(rootDir, path, known.get(path), now);
    if (stamp === null) {
      // git still lists a file deleted from the work tree until the deletion is staged.
      if (opts.skipMissing === true) continue;
      throw new BuildError('io', `${service}: input ${path} disappeared during the build`, { service });
    }
    out.push(stamp);
  }
  return out;
}

function computeDigest(key: string, sources: readonly FileStamp[], pkgHash: string): string {
  return sha256(stableJson({ key, sources: sources.map((s) => [s.path, s.hash]), packages: pkgHash }));
}

function packagesHash(entries: readonly LockEntry[]): string {
  const triples = entries.map((e) => [e.name, e.version, e.integrity ?? ''] as const);
  const unique = [...new Set(triples.map((t) => JSON.stringify(t)))].sort();
  return sha256(unique.join('\n'));
}

function lockEntries(lockfile: Lockfile, keys: readonly string[]): LockEntry[] | undefined {
  const out: LockEntry[] = [];
  for (const key of keys) {
    const entry = lockfile.get(key);
    if (entry === undefined) return undefined;
    out.push(entry);
  }
  return out;
}

function packageNames(entries: readonly LockEntry[]): string[] {
  return [...new Set(entries.map((e) => `${e.name}@${e.version}`))].sort();
}

function sameStat(a: { size: number; mtimeMs: number } | null, b: { size: number; mtimeMs: number } | null): boolean {
  return a !== null && b !== null && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
