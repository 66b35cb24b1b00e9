// buf and protoc-gen-es, found the way node finds a package from the project's folder: they are
// the project's dev dependencies, pinned by its lockfile, so every project generates with the
// versions it chose and bricks ships no code generator of its own.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CodegenError } from './errors.ts';

export interface Tool {
  readonly pkg: string;
  readonly version: string;
  /** The executable the package's `bin` names. */
  readonly bin: string;
}

export interface Tools {
  readonly buf: Tool;
  readonly protocGenEs: Tool;
}

const BUF = { pkg: '@bufbuild/buf', bin: 'buf' } as const;
const PROTOC_GEN_ES = { pkg: '@bufbuild/protoc-gen-es', bin: 'protoc-gen-es' } as const;

/** The tools as installed for `projectDir`; tools-missing names each one absent and the command that adds it. */
export function findTools(projectDir: string, installCommand: (packages: readonly string[]) => string): Tools {
  const buf = findTool(projectDir, BUF);
  const protocGenEs = findTool(projectDir, PROTOC_GEN_ES);
  if (buf !== undefined && protocGenEs !== undefined) return { buf, protocGenEs };
  const missing: string[] = [];
  if (buf === undefined) missing.push(BUF.pkg);
  if (protocGenEs === undefined) missing.push(PROTOC_GEN_ES.pkg);
  throw new CodegenError(
    'tools-missing',
    `bricks gen runs buf and protoc-gen-es from the project, and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed ` +
      `for ${projectDir} (looked in its node_modules and those above it).\nAdd ${missing.length === 1 ? 'it' : 'them'} as dev dependencies of the project: ${installCommand(missing)}`,
  );
}

function findTool(projectDir: string, tool: { readonly pkg: string; readonly bin: string }): Tool | undefined {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const manifestPath = join(dir, 'node_modules', tool.pkg, 'package.json');
    if (existsSync(manifestPath)) return toolAt(manifestPath, tool);
    if (dirname(dir) === dir) return undefined;
  }
}

function toolAt(manifestPath: string, tool: { readonly pkg: string; readonly bin: string }): Tool {
  let manifest: { version?: unknown; bin?: unknown };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (err) {
    throw new CodegenError('tools-missing', `${manifestPath} cannot be read: reinstall ${tool.pkg}`, { cause: err });
  }
  const bin = typeof manifest.bin === 'string' ? manifest.bin : typeof manifest.bin === 'object' && manifest.bin !== null ? (manifest.bin as Record<string, unknown>)[tool.bin] : undefined;
  if (typeof bin !== 'string') throw new CodegenError('tools-missing', `${manifestPath} names no "${tool.bin}" executable: reinstall ${tool.pkg}`);
  return { pkg: tool.pkg, version: typeof manifest.version === 'string' ? manifest.version : '?', bin: join(dirname(manifestPath), bin) };
}
