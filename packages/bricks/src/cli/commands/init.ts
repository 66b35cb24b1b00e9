// `bricks init [DIR]`: a new project from a template (default sdk), then what to run next, in the
// words of the package manager that ran us (`npx`, `pnpm dlx`, `yarn dlx` set npm_config_user_agent).
import { relative } from 'node:path';
import manifest from '../../../package.json' with { type: 'json' };
import { scaffold, ScaffoldError } from '../../scaffold/index.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';

export interface InitOptions {
  readonly template: string;
  readonly name?: string;
  readonly force?: boolean;
  readonly tarballs?: string;
}

export function init(dir: string, options: InitOptions): void {
  let report;
  try {
    report = scaffold({ dir, version: manifest.version, ...options });
  } catch (err) {
    const e = ScaffoldError.from(err);
    throw new CliError(e.code === 'io' ? 'failed' : 'usage', e.message, { cause: err });
  }
  const where = relative(process.cwd(), report.dir) || '.';
  console.log(`${color.green('created')} ${report.name} in ${where}: ${report.template.summary}`);
  for (const path of report.written) console.log(`  ${path}`);
  for (const path of report.extended) console.log(`  ${path} ${color.dim('(lines added)')}`);
  for (const path of report.kept) console.log(`  ${path} ${color.dim('(there already: kept)')}`);
  const pm = packageManager(process.env.npm_config_user_agent);
  const steps: [string, string][] = [
    ...(where === '.' ? [] : [[`cd ${where}`, ''] as [string, string]]),
    [pm.install, 'bricks, the SDK and the dev tools'],
    [`${pm.exec} bricks up -d`, `serve it; \`${pm.exec} bricks down\` stops it`],
    [`${pm.run} test`, "the service's own test"],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  console.log(`\nnext:\n${steps.map(([command, why]) => `  ${why === '' ? command : `${command.padEnd(width)}  # ${why}`}`).join('\n')}`);
}

interface PackageManagerWords {
  readonly install: string;
  readonly exec: string;
  readonly run: string;
}

/** npm unless pnpm or yarn ran us. */
function packageManager(userAgent: string | undefined): PackageManagerWords {
  const name = userAgent?.split('/')[0];
  if (name === 'pnpm') return { install: 'pnpm install', exec: 'pnpm exec', run: 'pnpm' };
  if (name === 'yarn') return { install: 'yarn install', exec: 'yarn', run: 'yarn' };
  return { install: 'npm install', exec: 'npx', run: 'npm' };
}
