// @ts-check
// Which form of bricks this is. A source checkout (src/ beside bin/) runs its TypeScript, bundled
// into .cache/ as it changes. An installed package ships no src/: it runs the JavaScript built at
// pack time into dist/ (scripts/build-package.mjs) and writes nothing beside itself, so an install
// directory that is read-only (a global prefix, a container image, a store like pnpm's) is fine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI (with its chunks in dist/cli/chunks/), the group launcher, the local PostgreSQL server and the ambassador, relative to the package. */
export const PREBUILT_MAIN = 'dist/cli/main.js';
export const PREBUILT_GROUP_LAUNCHER = 'dist/group-launcher.mjs';
/** The Swarm autoscaler's program, which `bricks deploy --target swarm` puts in an image. */
export const PREBUILT_SWARM_AUTOSCALER = 'dist/swarm-autoscaler.mjs';
export const PREBUILT_POSTGRES_SERVER = 'dist/postgres-server.mjs';
export const PREBUILT_AMBASSADOR = 'dist/ambassador.mjs';
/** bricks' gateway program (src/gateway/program/main.ts), run by a service with x-bricks.gateway and put in its image. */
export const PREBUILT_GATEWAY = 'dist/gateway.mjs';

/**
 * Whether the package at `root` is a source checkout. Told by src/ rather than by dist/: a
 * `npm pack` in the repository leaves a dist/ behind, which must not shadow the sources.
 * @param {string} root the bricks package
 * @returns {boolean}
 */
export function isSourceCheckout(root) {
  return existsSync(join(root, 'src'));
}

/**
 * The built CLI of an installed package; null in a source checkout.
 * @param {string} root the bricks package
 * @returns {string | null}
 */
export function installedMain(root) {
  if (isSourceCheckout(root)) return null;
  const main = join(root, PREBUILT_MAIN);
  if (!existsSync(main)) {
    throw new Error(`bricks at ${root} has neither its sources (src/) nor its build (${PREBUILT_MAIN}): the package is incomplete; install it again`);
  }
  return main;
}
