// Turns a folder of .proto files into TypeScript with buf + protoc-gen-es, both taken from
// node_modules (nothing global). `bricks gen` calls this; so do the SDK's own regeneration tests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface GenerateOptions {
  /** The proto root: package folders (`arcade/v1/*.proto`) sit directly under it. */
  readonly protoDir: string;
  /** Where the `*_pb.ts` files go. Emptied first, so stale files never survive a rename. */
  readonly outDir: string;
}

export interface GenerateResult {
  readonly template: string;
  readonly stdout: string;
  readonly stderr: string;
}

const require = createRequire(import.meta.url);

/** Absolute path of a bin shipped by an npm package, resolved the way node resolves the package. */
function packageBin(pkg: string, bin: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', bin);
}

/** The buf.gen.yaml that generate() hands to buf; exported so the CLI can show or write it. */
export function bufGenYaml(outDir: string): string {
  const plugin = packageBin('@bufbuild/protoc-gen-es', 'protoc-gen-es');
  return [
    'version: v2',
    'clean: true',
    'plugins:',
    `  - local: ${JSON.stringify(plugin)}`,
    `    out: ${JSON.stringify(resolve(outDir))}`,
    // target=ts: the monorepo runs TypeScript through tsx without a build step.
    // import_extension=ts: relative imports carry .ts, as everywhere else in the repo.
    '    opt: [target=ts, import_extension=ts]',
    '',
  ].join('\n');
}

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const work = await mkdtemp(join(tmpdir(), 'bricks-gen-'));
  try {
    const template = join(work, 'buf.gen.yaml');
    await writeFile(template, bufGenYaml(opts.outDir));
    const buf = packageBin('@bufbuild/buf', 'buf');
    const { stdout, stderr } = await run(buf, ['generate', resolve(opts.protoDir), '--template', template]);
    return { template, stdout, stderr };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) ok({ stdout, stderr });
      else fail(new Error(`buf generate exited with ${code}: ${stderr.trim()}`));
    });
  });
}
