// `bricks gen`: TypeScript for the project's protos (the stack file's folder: proto/ into gen/,
// or as its buf.gen.yaml says), with the project's buf and protoc-gen-es; says what it wrote.
// With --openapi FILE, also the OpenAPI document of the services that have HTTP rules.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CodegenError, generateProject, projectOpenApi, writeOpenApi } from '../../codegen/index.ts';
import { findStackFile } from '../../stack/index.ts';
import type { GlobalOptions } from '../context.ts';
import { CliError } from '../errors.ts';

export interface GenOptions extends GlobalOptions {
  /** Where to write the OpenAPI document, from the current folder. */
  readonly openapi?: string;
}

export async function gen(options: GenOptions): Promise<void> {
  const dir = projectDirOf(options);
  let report;
  try {
    report = await generateProject(dir);
  } catch (err) {
    throw new CliError('failed', CodegenError.from(err).message, { cause: err });
  }
  const shown = (path: string): string => relative(process.cwd(), path) || '.';
  const lines = [
    ...report.written.map((path) => ({ path, verb: 'wrote' })),
    ...report.unchanged.map((path) => ({ path, verb: 'unchanged' })),
    ...report.removed.map((path) => ({ path, verb: 'removed' })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, verb } of lines) console.log(`${verb} ${shown(path)}`);
  const n = report.written.length + report.unchanged.length;
  const { plan, tools } = report;
  const how = plan.templateFile === null ? `from ${shown(join(dir, plan.input ?? '.'))}/ into ${shown(join(dir, plan.outs.join(', ')))}/` : `as ${shown(plan.templateFile)} says`;
  console.log(`${n} file${n === 1 ? '' : 's'} generated ${how} (buf ${tools.buf.version}, protoc-gen-es ${tools.protocGenEs.version})`);
  if (options.openapi !== undefined) {
    const file = resolve(options.openapi);
    let changed: boolean;
    try {
      changed = await writeOpenApi(file, await projectOpenApi(dir, { title: basename(dir) }));
    } catch (err) {
      throw new CliError('failed', CodegenError.from(err).message, { cause: err });
    }
    console.log(`${changed ? 'wrote' : 'unchanged'} ${shown(file)} (OpenAPI 3.1)`);
  }
}

/** The stack file's folder (`-f`, else one found here); without a stack file, this folder. */
function projectDirOf(options: GlobalOptions): string {
  if (options.file !== undefined) {
    const file = resolve(options.file);
    if (!existsSync(file)) throw new CliError('usage', `no stack file ${file}: bricks gen works in the folder of the stack file -f names`);
    return dirname(file);
  }
  const found = findStackFile(process.cwd());
  return found === null ? process.cwd() : dirname(found);
}
