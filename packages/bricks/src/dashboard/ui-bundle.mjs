// @ts-check
// How the dashboard's browser code is bundled: src/dashboard/ui/main.tsx, Preact and uPlot in,
// into one JS and one CSS file. One set of options for the package build (scripts/build-package.mjs
// writes dist/dashboard/) and for a source checkout's daemon, which builds it in memory on the
// first request (assets.ts), so what the tests see is what ships.

export const UI_ENTRY = 'src/dashboard/ui/main.tsx';
/** Where an installed bricks finds the built files, relative to the package. */
export const PREBUILT_DASHBOARD_DIR = 'dist/dashboard';
export const BUNDLE_JS = 'dashboard.js';
export const BUNDLE_CSS = 'dashboard.css';

/**
 * @param {string} root the bricks package
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function uiBuildOptions(root, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: { dashboard: UI_ENTRY },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // What Debian's Chromium and every current browser run.
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'eof',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, jsx: 'react-jsx', jsxImportSource: 'preact' } },
    logLevel: 'silent',
  };
}
