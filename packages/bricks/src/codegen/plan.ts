// What `bricks gen` asks buf for in a project: the project's own buf.gen.yaml when it has one,
// else bricks' convention, the one arcade follows: the protos under proto/ (package folders,
// proto/arcade/v1/catalog.proto), TypeScript from protoc-gen-es into gen/ beside it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { CodegenError } from './errors.ts';

export const PROTO_DIR = 'proto';
export const GEN_DIR = 'gen';
/** The FileDescriptorSet `bricks gen` writes into gen/ for protos with google.api.http rules (generate.ts). */
export const DESCRIPTOR_SET_FILE = 'descriptors.binpb';
const TEMPLATE_FILE = 'buf.gen.yaml';
/** buf's own configuration of the inputs: with one of these, buf decides what is compiled. */
const BUF_CONFIG_FILES = ['buf.yaml', 'buf.work.yaml'];

export interface GenPlan {
  /** The project folder: buf runs here, and relative paths are relative to it. */
  readonly dir: string;
  /** The project's buf.gen.yaml, or null for bricks' convention. */
  readonly templateFile: string | null;
  /** The input handed to buf (relative to dir), or null when the template or buf.yaml names the inputs. */
  readonly input: string | null;
  /** Each plugin's `out` as the template says it (relative to dir, or absolute). */
  readonly outs: readonly string[];
  /** Whether files under the outs that this run does not produce are removed (the template's `clean`). */
  readonly clean: boolean;
}

export function planFor(dir: string): GenPlan {
  const templateFile = join(dir, TEMPLATE_FILE);
  if (existsSync(templateFile)) return projectTemplate(dir, templateFile);
  const bufConfigured = hasBufConfig(dir);
  if (!bufConfigured) {
    requireProtos(dir, `put the .proto files under ${join(dir, PROTO_DIR)} (package folders: ${PROTO_DIR}/shop/v1/cart.proto), or configure buf with a ${TEMPLATE_FILE} there`);
  }
  return {
    dir,
    templateFile: null,
    input: bufConfigured ? null : PROTO_DIR,
    outs: [GEN_DIR],
    clean: true,
  };
}

function projectTemplate(dir: string, file: string): GenPlan {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CodegenError('template-invalid', `${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const t = (doc ?? {}) as { version?: unknown; clean?: unknown; plugins?: unknown; inputs?: unknown };
  if (t.version !== 'v1' && t.version !== 'v2' && t.version !== 'v1beta1') {
    throw new CodegenError('template-invalid', `${file}: version is ${JSON.stringify(t.version)}; a buf generation template says version: v2 (or v1)`);
  }
  const plugins = Array.isArray(t.plugins) ? (t.plugins as unknown[]) : [];
  const outs = plugins.map((p) => (p as { out?: unknown } | null)?.out).filter((o): o is string => typeof o === 'string');
  if (outs.length === 0) throw new CodegenError('template-invalid', `${file}: no plugin with an "out" folder, so nothing would be generated; add one under plugins:`);
  const namesInputs = Array.isArray(t.inputs) && t.inputs.length > 0;
  const bufConfigured = hasBufConfig(dir);
  if (!namesInputs && !bufConfigured) {
    // Without inputs buf would compile every .proto under the folder, node_modules' included.
    requireProtos(dir, `${file} names no inputs: add inputs: to it, a buf.yaml beside it, or put the .proto files under ${PROTO_DIR}/`);
  }
  return {
    dir,
    templateFile: file,
    input: namesInputs || bufConfigured ? null : PROTO_DIR,
    outs: outs.map((o) => (isAbsolute(o) ? o : o.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.')),
    clean: t.clean === true,
  };
}

/** The convention's template, as JSON (`buf generate --template` takes a file or the text itself). */
export function conventionTemplate(protocGenEs: string): string {
  return JSON.stringify({
    version: 'v2',
    clean: true,
    plugins: [
      {
        local: protocGenEs,
        out: GEN_DIR,
        // target=ts: services run TypeScript through tsx (and bundles) without a compile step.
        // import_extension=ts: relative imports carry .ts, as under allowImportingTsExtensions.
        opt: ['target=ts', 'import_extension=ts'],
      },
    ],
  });
}

export function hasBufConfig(dir: string): boolean {
  return BUF_CONFIG_FILES.some((f) => existsSync(join(dir, f)));
}

function requireProtos(dir: string, whatToDo: string): void {
  const protoDir = join(dir, PROTO_DIR);
  if (!existsSync(protoDir)) throw new CodegenError('no-protos', `no ${PROTO_DIR}/ folder in ${dir}: ${whatToDo}`);
  if (countProtos(protoDir) === 0) throw new CodegenError('no-protos', `no .proto file under ${protoDir}: ${whatToDo}`);
}

export function countProtos(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile() && entry.name.endsWith('.proto')) n++;
  return n;
}
