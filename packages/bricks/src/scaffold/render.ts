// A template's file as the new project gets it: `{{name}}` is the project's name, and in
// package.json `{{bricks}}` is where each of bricks' own packages comes from (the release of this
// CLI from the registry, or the tarballs --tarballs names), so the two always match the CLI.
import { ScaffoldError } from './errors.ts';
import type { TemplateFile } from './templates.ts';

export const BRICKS_PACKAGES = ['bricks', '@bricks/sdk'] as const;
export type BricksPackage = (typeof BRICKS_PACKAGES)[number];

export interface RenderContext {
  readonly name: string;
  /** What package.json asks for, per package: `^0.1.0`, or `file:/…/bricks-0.1.0.tgz`. */
  readonly specs: Readonly<Record<BricksPackage, string>>;
}

const NAME = '{{name}}';
const BRICKS = '{{bricks}}';
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

export function renderFile(file: TemplateFile, ctx: RenderContext): string {
  if (file.path !== 'package.json') return file.text.replaceAll(NAME, ctx.name);
  const manifest = JSON.parse(file.text) as Record<string, unknown>;
  manifest.name = ctx.name;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field] as Record<string, string> | undefined;
    for (const [dep, spec] of Object.entries(deps ?? {})) {
      if (spec !== BRICKS) continue;
      if (!isBricksPackage(dep)) throw new ScaffoldError('io', `the template's package.json asks for ${dep} as ${BRICKS}, which only ${BRICKS_PACKAGES.join(' and ')} can be`);
      (deps as Record<string, string>)[dep] = ctx.specs[dep];
    }
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function isBricksPackage(name: string): name is BricksPackage {
  return (BRICKS_PACKAGES as readonly string[]).includes(name);
}
