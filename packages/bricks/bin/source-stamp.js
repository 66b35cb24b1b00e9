// @ts-check
// The stamp that names a CLI bundle: a hash of the path, size and mtime of every file the
// bundle is made from (or with), and of the package.json of each dependency bundled in. Any
// edit, added, removed or renamed file, or another installed version, changes it, so a bundle is
// used only while its stamp is the sources' stamp. It costs a few ms: stats, one read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the bundle is made from: the sources, the launcher that builds them, the manifest. */
export const STAMPED_DIRS = ['src', 'bin'];
export const STAMPED_FILES = ['package.json'];
/**
 * Dependencies the bundle leaves to node_modules: esbuild (a native binary) and tsx, which
 * must be loaded from their packages; kubernetes-models (tens of MB of schemas, loaded only by
 * `bricks manifests`); pidusage (CommonJS, loaded only by `ps`). The others (commander, yaml,
 * zod: every command loads them) are bundled in, which saves resolving and loading some
 * hundred files on every start; so their versions are part of the stamp.
 */
export const EXTERNAL_PACKAGES = ['esbuild', 'tsx', 'kubernetes-models', 'pidusage'];

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
  // Plain concatenation, not path.join: this runs a few hundred times on every start.
  const add = (/** @type {string} */ rel) => {
    const s = statSync(`${root}/${rel}`);
    out.push({ path: rel, size: s.size, mtimeMs: s.mtimeMs });
  };
  // A walk of our own: Node 20's recursive readdir takes about twice as long.
  const walk = (/** @type {string} */ rel) => {
    for (const entry of readdirSync(`${root}/${rel}`, { withFileTypes: true })) {
      // Directories too: their mtime moves when an entry is added, removed or renamed.
      add(`${rel}/${entry.name}`);
      if (entry.isDirectory()) walk(`${rel}/${entry.name}`);
    }
  };
  for (const dir of STAMPED_DIRS) walk(dir);
  for (const file of STAMPED_FILES) add(file);
  for (const name of bundledPackages(root)) {
    const s = installedManifest(root, name);
    // Not installed: esbuild fails to bundle it, and the launcher runs the sources.
    if (s !== undefined) out.push({ path: `dependency:${name}`, size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

/**
 * The dependencies bundled in: those of package.json but the external ones.
 * @param {string} root
 * @returns {string[]}
 */
function bundledPackages(root) {
  const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  return Object.keys(manifest.dependencies ?? {}).filter((name) => !EXTERNAL_PACKAGES.includes(name));
}

/**
 * The stats of the package.json that `import name` from `root` finds (node_modules here or
 * above), or undefined. npm rewrites it when it installs another version.
 * @param {string} root
 * @param {string} name
 * @returns {import('node:fs').Stats | undefined}
 */
function installedManifest(root, name) {
  for (let dir = root; ; dir = dirname(dir)) {
    const s = statSync(join(dir, 'node_modules', name, 'package.json'), { throwIfNoEntry: false });
    if (s !== undefined) return s;
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
