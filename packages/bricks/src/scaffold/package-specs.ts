// Where a new project takes bricks and @bricks/sdk from: the registry, at this CLI's release (a
// caret range, as npm install writes it); or the tarballs `npm pack -w packages/bricks -w
// packages/sdk` wrote, to try a build that is not published.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ScaffoldError } from './errors.ts';
import { BRICKS_PACKAGES } from './render.ts';
import type { BricksPackage } from './render.ts';

export function registrySpecs(version: string): Record<BricksPackage, string> {
  return { bricks: `^${version}`, '@bricks/sdk': `^${version}` };
}

/** npm pack's name for a package's tarball: `@bricks/sdk` 0.1.0 → `bricks-sdk-0.1.0.tgz`. */
export function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

export function tarballSpecs(dir: string, version: string): Record<BricksPackage, string> {
  const folder = resolve(dir);
  const path = (pkg: BricksPackage): string => join(folder, tarballName(pkg, version));
  const missing = BRICKS_PACKAGES.filter((pkg) => !existsSync(path(pkg)));
  if (missing.length > 0) {
    throw new ScaffoldError(
      'tarball-missing',
      `${folder} has no ${missing.map((pkg) => tarballName(pkg, version)).join(' or ')}: --tarballs takes the folder where ` +
        `\`npm pack -w packages/bricks -w packages/sdk\` (in bricks' repository, at version ${version}) wrote them`,
    );
  }
  // An absolute file: URL, so the project installs the same way from wherever it is moved or copied to.
  return { bricks: `file:${path('bricks')}`, '@bricks/sdk': `file:${path('@bricks/sdk')}` };
}
