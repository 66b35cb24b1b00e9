// What `npm pack` (prepack) builds into dist/ for an installed bricks, which runs on plain node
// and writes nothing beside itself (bin/package-layout.js): the CLI with its lazily loaded chunks,
// bundled as a source checkout bundles it (bin/cli-bundle.js), and the group launcher and the local
// PostgreSQL server, programs of their own, with the SDK's replica-environment names bundled in,
// and the dashboard's browser code.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliBuildOptions } from '../bin/cli-bundle.js';
import { PREBUILT_DASHBOARD_DIR, uiBuildOptions } from '../src/dashboard/ui-bundle.mjs';
import { PREBUILT_AMBASSADOR, PREBUILT_GATEWAY, PREBUILT_GROUP_LAUNCHER, PREBUILT_MAIN, PREBUILT_POSTGRES_SERVER, PREBUILT_SWARM_AUTOSCALER } from '../bin/package-layout.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the package's dist/ into `outDir` (a package's dist/, or a test's temp dir).
 * @param {string} outDir
 * @returns {Promise<{ external: string[] }>} the packages the built files import: what an installed bricks must have as dependencies
 */
export async function buildPackage(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const main = await build({ ...cliBuildOptions(ROOT, { main: 'src/cli/main.ts' }, join(outDir, relative('dist', dirname(PREBUILT_MAIN)))), metafile: true });
  /**
   * A program of its own, bundled into one file of dist/.
   * @param {string} entry @param {string} prebuilt @param {string[]} [external]
   */
  const program = (entry, prebuilt, external = []) =>
    build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile: join(outDir, relative('dist', prebuilt)),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external,
      metafile: true,
      logLevel: 'warning',
    });
  const launcher = await program('src/platform/runtime/group-launcher.mjs', PREBUILT_GROUP_LAUNCHER);
  const autoscaler = await program('src/targets/swarm/autoscaler/main.ts', PREBUILT_SWARM_AUTOSCALER);
  // The gateway program, whole: a gateway's replica (and its image) needs nothing beside it.
  const gateway = await program('src/gateway/program/main.ts', PREBUILT_GATEWAY);
  // The local PostgreSQL of a backing service. PGlite stays a dependency: its WASM and data
  // files are loaded from beside its modules.
  const postgres = await program('src/platform/backing/postgres-server.mjs', PREBUILT_POSTGRES_SERVER, ['@electric-sql/*']);
  // The ambassador has no imports: copied as it is (Swarm and Kubernetes mount this same file).
  mkdirSync(join(outDir, dirname(relative('dist', PREBUILT_AMBASSADOR))), { recursive: true });
  cpSync(join(ROOT, 'src', 'platform', 'backing', 'ambassador.mjs'), join(outDir, relative('dist', PREBUILT_AMBASSADOR)));
  // The CLI carries the Compose schema (compiled to the validator it bundles): its licence goes with it.
  const composeSpec = join(outDir, 'compose-spec');
  mkdirSync(composeSpec, { recursive: true });
  for (const file of ['LICENSE', 'NOTICE']) cpSync(join(ROOT, 'src', 'stack', 'compose-spec', file), join(composeSpec, file));
  // The dashboard's browser code, one JS and one CSS file that the daemon serves (no CDN).
  await build(uiBuildOptions(ROOT, join(outDir, relative('dist', PREBUILT_DASHBOARD_DIR))));
  const external = new Set();
  for (const { metafile } of [main, launcher, autoscaler, gateway, postgres]) {
    for (const output of Object.values(metafile.outputs)) {
      for (const i of output.imports) if (i.external && !isBuiltin(i.path)) external.add(packageName(i.path));
    }
  }
  return { external: [...external].sort() };
}

/** @param {string} specifier */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const dist = join(ROOT, 'dist');
  const { external } = await buildPackage(dist);
  console.log(`bricks: built ${dist} in ${Math.round(performance.now() - started)} ms (it imports ${external.join(', ')})`);
}
