// `bricks init`: a new project from a template, with bricks' own packages at this CLI's version.
import { resolve } from 'node:path';
import { registrySpecs, tarballSpecs } from './package-specs.ts';
import { projectNameFor } from './project-name.ts';
import { renderFile } from './render.ts';
import { findTemplate, readTemplate } from './templates.ts';
import type { Template } from './templates.ts';
import { writeProject } from './write-project.ts';
import type { WriteReport } from './write-project.ts';

export { ScaffoldError } from './errors.ts';
export type { ScaffoldErrorCode } from './errors.ts';
export { DEFAULT_TEMPLATE, TEMPLATES } from './templates.ts';
export type { Template } from './templates.ts';
export { tarballName } from './package-specs.ts';

export interface ScaffoldOptions {
  readonly dir: string;
  readonly template: string;
  /** The version of bricks doing this: the version the project asks for. */
  readonly version: string;
  readonly name?: string;
  readonly force?: boolean;
  /** A folder with npm pack's tarballs of this version, instead of the registry. */
  readonly tarballs?: string;
}

export interface ScaffoldReport extends WriteReport {
  readonly dir: string;
  readonly name: string;
  readonly template: Template;
}

export function scaffold(options: ScaffoldOptions): ScaffoldReport {
  const dir = resolve(options.dir);
  const template = findTemplate(options.template);
  const name = projectNameFor(dir, options.name);
  const specs = options.tarballs === undefined ? registrySpecs(options.version) : tarballSpecs(options.tarballs, options.version);
  const files = readTemplate(template).map((file) => ({ path: file.path, text: renderFile(file, { name, specs }) }));
  return { dir, name, template, ...writeProject(dir, files, options.force === true) };
}
