// The package.json a workspace package is packed with. In the repository a package's manifest
// points at its TypeScript sources, so tests, the example and bricks' own bundle run them with no
// build step; a tarball must point at the JavaScript built into dist/. The manifest says both:
// `publishConfig` holds the fields a tarball gets instead, as pnpm and yarn read it when they pack.
// npm does not, so its prepack runs `publish-manifest.mjs prepack` (the manifest with those fields
// applied; the repository's copy kept beside it) and its postpack `publish-manifest.mjs postpack`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** publishConfig's keys that configure the publishing itself (npm's), not fields of the manifest. */
const PUBLISH_SETTINGS = new Set(['registry', 'access', 'tag', 'provenance', 'directory', 'linkDirectory']);
export const KEPT_AS = 'package.json.in-repo';

/**
 * The manifest as packed: each field publishConfig names replaces the manifest's own, and
 * publishConfig keeps only what configures publishing.
 * @param {Record<string, unknown>} manifest
 * @returns {Record<string, unknown>}
 */
export function publishManifest(manifest) {
  const config = /** @type {Record<string, unknown> | undefined} */ (manifest.publishConfig);
  if (config === undefined) return manifest;
  const out = { ...manifest };
  const kept = /** @type {Record<string, unknown>} */ ({});
  for (const [key, value] of Object.entries(config)) {
    if (PUBLISH_SETTINGS.has(key)) kept[key] = value;
    else out[key] = value;
  }
  if (Object.keys(kept).length > 0) out.publishConfig = kept;
  else delete out.publishConfig;
  return out;
}

/** @param {string} dir the package */
export function prepack(dir) {
  // A pack that died before its postpack left the repository's manifest here: start from that.
  postpack(dir);
  const file = join(dir, 'package.json');
  const text = readFileSync(file, 'utf8');
  writeFileSync(join(dir, KEPT_AS), text);
  writeFileSync(file, `${JSON.stringify(publishManifest(JSON.parse(text)), null, 2)}\n`);
}

/** @param {string} dir the package */
export function postpack(dir) {
  const kept = join(dir, KEPT_AS);
  if (existsSync(kept)) renameSync(kept, join(dir, 'package.json'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const step = process.argv[2];
  if (step === 'prepack') prepack(process.cwd());
  else if (step === 'postpack') postpack(process.cwd());
  else {
    console.error(`usage: node publish-manifest.mjs prepack|postpack (in the package's folder, as npm runs its scripts); got ${JSON.stringify(step)}`);
    process.exit(2);
  }
}
