// @ts-check
// The stamp that names a CLI bundle: a hash of the path, size and mtime of every file the
// bundle is made from (or with), and of the package.json of each dependency bundled in. Any
// edit, added, removed or renamed file, or another installed version, changes it, so a bundle is
// used only while its stamp is the sources' stamp. A dependency that is a workspace package (a
// link to sources beside ours, as @bricks/sdk is) is bundled from those sources as they are, so
// the files the bundle takes from it are stamped as ours are. It costs a few ms: stats, one read.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the bundle is made from: the sources, the launcher that builds them, the manifest. */
export const STAMPED_DIRS = ['src', 'bin'];
export const STAMPED_FILES = ['package.json'];
/**
 * Dependencies the bundle leaves to node_modules: esbuild (a native binary) and tsx, which
 * must be loaded from their packages; kubernetes-models (tens of MB of schemas, loaded only by
 * `bricks manifests`) and its KEDA and prometheus-operator models (the same, and they bring their
 * own kubernetes-models); pidusage (CommonJS, loaded only by `ps`). The others (commander, yaml,
 * zod: every command loads them) are bundled in, which saves resolving and loading some
 * hundred files on every start; so their versions are part of the stamp. package.json's
 * `dependencies` are these but tsx (only a source checkout runs through it).
 */
export const EXTERNAL_PACKAGES = ['esbuild', 'tsx', 'kubernetes-models', '@kubernetes-models/keda', '@kubernetes-models/prometheus-operator', 'pidusage'];
/**
 * The files the bundle takes from each workspace package, relative to it: stamped instead of the
 * whole package (the SDK's some 120 entries would double the stamp's cost), and checked against
 * the bundle's real inputs by source-stamp.test.ts. A workspace package not listed here is
 * stamped whole.
 * @type {Readonly<Record<string, readonly string[]>>}
 */
export const WORKSPACE_SOURCES = {
  // The SDK's contracts with the platform: the replica environment's names, the duration
  // grammar, the resilience policy's schema (x-bricks.resilience, BRICKS_RESILIENCE), and the
  // names of the metrics it serves, and the auth policy's schema with the credential headers
  // (x-bricks.auth, BRICKS_AUTH).
  '@bricks/sdk': [
    'src/config/platform-env-names.js', 'src/config/duration.ts', 'src/config/duration-schema.ts', 'src/resilience/policy.ts',
    'src/telemetry/metric-names.ts', 'src/auth/index.ts', 'src/auth/policy.ts', 'src/auth/headers.ts',
  ],
};

/**
 * @typedef {{ readonly path: string; readonly size: number; readonly mtimeMs: number }} FileStat
 */

/**
 * The stamp of a set of files, whatever order they are listed in.
 * @param {readonly FileStat[]} files
 * @returns {string}
 */
export function stampOf(files) {
  const lines = files.map((f) => `${f.path}\t${f.size}\t${f.mtimeMs}`).sort();
  // 16 hex digits (64 bits): names one build among a handful, with no practical chance of a clash.
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/**
 * Stats of every stamped file under `root`, paths relative to it.
 * @param {string} root
 * @returns {FileStat[]}
 */
export function listSources(root) {
  /** @type {FileStat[]} */
  const out = [];
  for (const dir of STAMPED_DIRS) walk(root, dir, '', out);
  for (const file of STAMPED_FILES) add(root, file, '', out);
  for (const name of bundledPackages(root)) {
    const installed = installedPackage(root, name);
    // Not installed: esbuild fails to bundle it, and the launcher runs the sources.
    if (installed === undefined) continue;
    const { dir, manifest } = installed;
    out.push({ path: `dependency:${name}`, size: manifest.size, mtimeMs: manifest.mtimeMs });
    // npm links a workspace package into node_modules; an installed one is a directory there.
    if (!lstatSync(dir).isSymbolicLink()) continue;
    const listed = WORKSPACE_SOURCES[name];
    if (listed === undefined) walkPackage(realpathSync(dir), `dependency:${name}/`, out);
    else for (const file of listed) add(dir, file, `dependency:${name}/`, out);
  }
  return out;
}

/**
 * Adds the stats of `base/rel`, listed as `prefix + rel`.
 * @param {string} base
 * @param {string} rel
 * @param {string} prefix
 * @param {FileStat[]} out
 */
function add(base, rel, prefix, out) {
  // Plain concatenation, not path.join: this runs a few hundred times on every start.
  const s = statSync(`${base}/${rel}`);
  out.push({ path: prefix + rel, size: s.size, mtimeMs: s.mtimeMs });
}

/**
 * Adds everything under `base/rel`. A walk of our own: Node 20's recursive readdir takes about
 * twice as long.
 * @param {string} base
 * @param {string} rel
 * @param {string} prefix
 * @param {FileStat[]} out
 */
function walk(base, rel, prefix, out) {
  for (const entry of readdirSync(`${base}/${rel}`, { withFileTypes: true })) {
    // Directories too: their mtime moves when an entry is added, removed or renamed.
    add(base, `${rel}/${entry.name}`, prefix, out);
    if (entry.isDirectory()) walk(base, `${rel}/${entry.name}`, prefix, out);
  }
}

/**
 * Adds a workspace package's files but its node_modules and dot-entries (caches, not sources).
 * @param {string} dir
 * @param {string} prefix
 * @param {FileStat[]} out
 */
function walkPackage(dir, prefix, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'package.json') continue;
    add(dir, entry.name, prefix, out);
    if (entry.isDirectory()) walk(dir, entry.name, prefix, out);
  }
}

/**
 * The packages bundled in: those package.json names but the external ones. The bundled ones are
 * devDependencies (the installed CLI carries them in dist/, so its users do not install them);
 * the external ones, which an installed CLI loads, are its dependencies.
 * @param {string} root
 * @returns {string[]}
 */
function bundledPackages(root) {
  const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  const named = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  return [...new Set(named)].filter((name) => !EXTERNAL_PACKAGES.includes(name));
}

/**
 * The directory that `import name` from `root` finds (node_modules here or above) and the stats
 * of its package.json, which npm rewrites when it installs another version; or undefined.
 * @param {string} root
 * @param {string} name
 * @returns {{ dir: string; manifest: import('node:fs').Stats } | undefined}
 */
function installedPackage(root, name) {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    const manifest = statSync(join(candidate, 'package.json'), { throwIfNoEntry: false });
    if (manifest !== undefined) return { dir: candidate, manifest };
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The stamp of the sources under a package root.
 * @param {string} root
 * @returns {string}
 */
export function sourceStamp(root) {
  return stampOf(listSources(root));
}
