// @ts-check
// The stamp that names a CLI bundle: a hash of the path, size and mtime of every file the
// bundle is made from (or with). Any edit, added, removed or renamed file changes it, so a
// bundle is used only while its stamp is the sources' stamp. It costs a few ms: stats, no reads.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';

/** What the bundle is made from: the sources, the launcher that builds them, the manifest. */
export const STAMPED_DIRS = ['src', 'bin'];
export const STAMPED_FILES = ['package.json'];

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
  return out;
}

/**
 * The stamp of the sources under a package root.
 * @param {string} root
 * @returns {string}
 */
export function sourceStamp(root) {
  return stampOf(listSources(root));
}
