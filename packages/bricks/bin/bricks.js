#!/usr/bin/env node
// Entry point of the bricks CLI and of the daemon it starts (`bricks __daemon`). An installed
// bricks runs the JavaScript built at pack time (dist/) and writes nothing beside itself. A
// source checkout runs a bundle of src/ that esbuild builds into ../.cache/ and rebuilds when a
// source changes (see cli-bundle.js): starting tsx and transforming on every start cost about
// 0.2 s a process. When the bundle cannot be had, the sources run through tsx as before, so the
// command always works. BRICKS_TSX=1 always runs the sources; BRICKS_DEBUG=1 says which ran.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installedMain } from './package-layout.js';

const debug = process.env.BRICKS_DEBUG ? (/** @type {string} */ m) => console.error(`bricks: ${m}`) : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const built = installedMain(root);
// Loaded only in a source checkout: an installed bricks has no bundler step at start.
const bundle = built ?? (process.env.BRICKS_TSX === '1' ? null : await (await import('./cli-bundle.js')).cliBundle(root, debug));
if (bundle !== null) {
  debug?.(`running ${bundle}`);
  // Stack traces name the .ts files through the bundle's source maps (tsx does the same).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
