// What a team outside this repository has: bricks and @bricks/sdk packed as npm would publish
// them (`npm pack -w packages/bricks -w packages/sdk`), package managers found on PATH (or named
// by BRICKS_TEST_PNPM / BRICKS_TEST_YARN), and commands run in a project as its user would.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, lstatSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { CliResult } from './bricks.ts';

export const REPO = new URL('../..', import.meta.url).pathname;

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user (root can drop to nobody to meet a read-only directory). */
  readonly uid?: number;
  readonly gid?: number;
  readonly timeoutMs?: number;
}

/**
 * What our runners put in the environment: npm's for `npm test`, node's test runner's for its
 * children, and CI's flag, under which pnpm and yarn refuse to write a first lockfile.
 */
const OURS = /^(npm_|NODE_TEST_CONTEXT$|CI$)/;

/**
 * The environment a developer's shell would have: ours without what `npm test`, node's test
 * runner and CI put in it (npm_config_*, NODE_TEST_CONTEXT, CI), which would steer the package
 * managers and the project's own `node --test`.
 */
export function userEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !OURS.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** BRICKS_TEST_TIMING=1 prints how long each command took (where an end-to-end test spends its time). */
const timing = process.env.BRICKS_TEST_TIMING === '1';

export function run(command: string, args: readonly string[], opts: RunOptions): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timing) console.log(`# ${Math.round(performance.now() - started)} ms: ${command} ${args.join(' ')}`);
      resolve({ code: code ?? 1, stdout, stderr: signal === null ? stderr : `${stderr}\n(killed by ${signal} after ${opts.timeoutMs ?? 180_000} ms)` });
    });
  });
}

export function expectOk(what: string, r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

export interface Tarballs {
  readonly dir: string;
  readonly bricks: string;
  readonly sdk: string;
}

/** Packs both packages into `dir`, running their prepack builds as a publish would. */
export async function packPackages(dir: string): Promise<Tarballs> {
  expectOk('npm pack', await run('npm', ['pack', '-w', 'packages/bricks', '-w', 'packages/sdk', '--pack-destination', dir], { cwd: REPO, timeoutMs: 300_000 }));
  const files = readdirSync(dir);
  const find = (re: RegExp): string => {
    const f = files.find((x) => re.test(x));
    if (f === undefined) throw new Error(`npm pack wrote no ${re.source} into ${dir} (it wrote ${files.join(', ')})`);
    return join(dir, f);
  };
  return { dir, bricks: find(/^bricks-\d.*\.tgz$/), sdk: find(/^bricks-sdk-\d.*\.tgz$/) };
}

/** An executable: the one `variable` names, else the first `name` on PATH; null when neither is. */
export function findTool(name: string, variable: string): string | null {
  const named = process.env[variable];
  if (named !== undefined && named !== '') return named;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Every path under `dir` with its size and mtime: equal listings mean nothing was added or changed. */
export function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => {
      const s = lstatSync(join(dir, rel));
      return `${rel} ${s.size} ${s.mtimeMs}`;
    })
    .sort();
}

/** hello.v1.GreeterService/SayHello with a stock grpc-js client and hand-encoded protobuf (field 1, a string). */
export function grpcSayHello(address: string, name: string): Promise<string> {
  const encode = (s: string): Buffer => {
    const bytes = Buffer.from(s);
    if (bytes.length > 127) throw new Error('a short name, please: one length byte');
    return Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
  };
  const decode = (b: Buffer): string => {
    if (b[0] !== 0x0a) throw new Error(`not a SayHelloResponse: ${b.toString('hex')}`);
    return b.subarray(2, 2 + (b[1] ?? 0)).toString();
  };
  const client = new grpc.Client(address.replace(/^http:\/\//, ''), grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest('/hello.v1.GreeterService/SayHello', encode, decode, name, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err, res) =>
      err ? reject(err) : resolve(res ?? ''),
    );
  }).finally(() => client.close());
}
