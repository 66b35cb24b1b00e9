// The dashboard's JS and CSS: an installed bricks reads what the package build wrote into dist/;
// a source checkout bundles src/dashboard/ui with esbuild, once per daemon, on first use.
import { readFile } from 'node:fs/promises';
import { isSourceCheckout } from '../../bin/package-layout.js';
import { packagePath } from '../util/package-root.ts';
import { BUNDLE_CSS, BUNDLE_JS, PREBUILT_DASHBOARD_DIR, uiBuildOptions } from './ui-bundle.mjs';

export interface Assets {
  readonly js: string;
  readonly css: string;
}

export function loadAssets(): Promise<Assets> {
  return isSourceCheckout(packagePath()) ? buildAssets(packagePath()) : readBuilt();
}

async function readBuilt(): Promise<Assets> {
  const dir = packagePath(PREBUILT_DASHBOARD_DIR);
  const [js, css] = await Promise.all([readFile(`${dir}/${BUNDLE_JS}`, 'utf8'), readFile(`${dir}/${BUNDLE_CSS}`, 'utf8')]);
  return { js, css };
}

/** In memory: nothing is written beside the sources. */
export async function buildAssets(root: string): Promise<Assets> {
  const { build } = await import('esbuild');
  const result = await build({ ...uiBuildOptions(root, '/dashboard-out'), write: false });
  const text = (name: string): string => result.outputFiles.find((f) => f.path.endsWith(`/${name}`))?.text ?? '';
  return { js: text(BUNDLE_JS), css: text(BUNDLE_CSS) };
}
