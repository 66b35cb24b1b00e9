// One of bricks' own programs as one file of code, for an image that runs it with plain node: an
// installed bricks ships it prebuilt in dist/; a source checkout bundles it here with esbuild.
import { readFile } from 'node:fs/promises';
import { isSourceCheckout } from '../../../bin/package-layout.js';
import { packagePath } from '../../util/package-root.ts';
import { TargetError } from '../errors.ts';

/** `entry` is the program's main.ts relative to the package, `prebuilt` its file in an installed package. Throws TargetError. */
export async function bricksProgram(entry: string, prebuilt: string, what: string): Promise<string> {
  if (!isSourceCheckout(packagePath())) return readFile(packagePath(prebuilt), 'utf8');
  const { build } = await import('esbuild');
  const out = await build({ absWorkingDir: packagePath(), entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'warning' });
  const file = out.outputFiles[0];
  if (file === undefined) throw new TargetError('build-failed', `esbuild wrote no bundle of ${what}`);
  return file.text;
}
