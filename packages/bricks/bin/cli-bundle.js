// @ts-check
// The CLI of a source checkout: esbuild bundles src/cli/main.ts, and through its lazy imports
// every command and the daemon, into .cache/cli/<stamp>/, named by the stamp of the sources it was
// built from (an installed bricks runs dist/, built at pack time with the same options).
// A bundle is used only while its name is the sources' current stamp; otherwise a new one is
// built beside it and published with one rename, so a concurrent `bricks` sees a whole bundle
// or none.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXTERNAL_PACKAGES, sourceStamp } from './source-stamp.js';

const ENTRY = 'src/cli/main.ts';
/**
 * Builds kept besides the newest: a process that read the stamp just before a rebuild may still
 * be loading the previous build's chunks. 2 is plenty for that, and a build is under 1 MB.
 */
const KEEP_OLDER = 2;
/**
 * Nor is a build removed before this age: a daemon started from it loads chunks lazily for as
 * long as it runs (a deploy loads the bundler), and bricks' own sources may change many times a day.
 */
const KEEP_YOUNGER_MS = 7 * 24 * 3600_000;
const TMP_PREFIX = '.tmp-';
/** A temp dir this old is a build that died (a build takes well under a second). */
const ABANDONED_TMP_MS = 10 * 60_000;

/** @typedef {(message: string) => void} Debug */

/**
 * @param {string} root the bricks package
 * @returns {string}
 */
export function cacheDir(root) {
  return join(root, '.cache', 'cli');
}

/**
 * The bundle's main module for the sources as they are now, built first if there is none;
 * null if it cannot be had (the caller then runs the sources as they are).
 * @param {string} root the bricks package
 * @param {Debug} [debug]
 * @returns {Promise<string | null>}
 */
export async function cliBundle(root, debug = () => {}) {
  try {
    const dir = join(cacheDir(root), sourceStamp(root));
    const main = join(dir, 'main.js');
    if (existsSync(main)) return main;
    const started = performance.now();
    await buildCliBundle(root, dir);
    debug(`built the CLI bundle ${dir} in ${Math.round(performance.now() - started)} ms`);
    return main;
  } catch (err) {
    debug(`no CLI bundle, running the sources through tsx: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return null;
  }
}

/**
 * How the CLI is bundled, here into .cache/ and at pack time into dist/ (scripts/build-package.mjs):
 * one set of options, so the installed CLI is the one the repo's tests run.
 * @param {string} root the bricks package
 * @param {Record<string, string>} entryPoints output name → source, relative to root
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function cliBuildOptions(root, entryPoints, outdir) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    // A chunk per lazy import keeps main.ts's lazy loading: `bricks ps` does not load the
    // bundler or the Kubernetes schemas (esbuild hoists an external import to its chunk's top).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // See EXTERNAL_PACKAGES; the rest of node_modules is bundled in.
    external: [...EXTERNAL_PACKAGES],
    // Bundled CommonJS (commander) requires node's built-ins: an ES module has no `require`.
    banner: { js: "import { createRequire as __bricksCreateRequire } from 'node:module'; const require = __bricksCreateRequire(import.meta.url);" },
    // Stack traces name the .ts files (bin/bricks.js turns source maps on). The maps point at
    // src/ relative to the build dir, which the rename keeps at the same depth.
    sourcemap: 'linked',
    sourcesContent: false,
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    // The settings of the repo's tsconfig that change emitted code; given here so the bundle
    // does not depend on whichever tsconfig.json esbuild would find above the package.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
    logLevel: 'silent',
  };
}

/**
 * Builds the bundle into a temp dir beside `dir`, then renames it to `dir`.
 * @param {string} root
 * @param {string} dir
 */
export async function buildCliBundle(root, dir) {
  const parent = dirname(dir);
  // Before esbuild loads: a package dir we may not write to fails here, cheaply.
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `${TMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const { build } = await import('esbuild');
    const result = await build({ ...cliBuildOptions(root, { main: ENTRY }, tmp), write: false });
    for (const file of result.outputFiles) writeDurably(file.path, file.contents);
    syncDirs(tmp);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another `bricks` published the same sources first: theirs is as good as ours.
      if (!existsSync(join(dir, 'main.js'))) throw err;
    }
    syncDir(parent);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(parent, dir);
}

/**
 * Writes and fsyncs a file, so a crash after the rename cannot leave a bundle of empty files.
 * @param {string} path
 * @param {Uint8Array} data
 */
function writeDurably(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** @param {string} dir */
function syncDirs(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) syncDirs(join(dir, e.name));
  syncDir(dir);
}

/** @param {string} dir */
function syncDir(dir) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes builds older than the newest few, and temp dirs of builds that died.
 * @param {string} parent
 * @param {string} current the build just published, kept whatever its mtime
 */
function prune(parent, current) {
  const now = Date.now();
  /** @type {{ path: string; mtimeMs: number }[]} */
  const builds = [];
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    try {
      const { mtimeMs } = statSync(path);
      if (name.startsWith(TMP_PREFIX)) {
        if (now - mtimeMs > ABANDONED_TMP_MS) removeQuietly(path);
      } else if (path !== current) {
        builds.push({ path, mtimeMs });
      }
    } catch {
      // removed meanwhile by another `bricks`
    }
  }
  builds.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of builds.slice(KEEP_OLDER)) if (now - old.mtimeMs > KEEP_YOUNGER_MS) removeQuietly(old.path);
}

/**
 * Best effort: a cache dir left behind costs disk, not correctness.
 * @param {string} path
 */
function removeQuietly(path) {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // another `bricks` is removing it too, or it is not ours to remove
  }
}
