// The one way the targets talk to Docker: the `docker` client as a child process, behind a
// narrow runner type so that decision code can be tested with a fake and the real engine is
// exercised end to end.
import { spawn } from 'node:child_process';
import { TargetError } from '../errors.ts';
import type { TargetErrorCode } from '../errors.ts';

export interface DockerResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DockerCallOptions {
  readonly signal?: AbortSignal;
  readonly cwd?: string;
}

export type DockerRunner = (args: readonly string[], opts?: DockerCallOptions) => Promise<DockerResult>;

/** Runs the real `docker` client. Rejects only when it cannot be started at all. */
export const runDocker: DockerRunner = (args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(new TargetError('aborted', `docker ${args[0] ?? ''} was cancelled`, { cause: e }));
      else if (e.code === 'ENOENT') reject(new TargetError('docker-unavailable', 'the docker client is not installed', { cause: e }));
      else reject(TargetError.from(e, 'docker-failed'));
    });
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });

function unreachable(stderr: string): boolean {
  return /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i.test(stderr);
}

/** Runs docker and returns stdout; a non-zero exit becomes a TargetError with docker's stderr. */
export async function docker(
  run: DockerRunner,
  args: readonly string[],
  opts: DockerCallOptions & { code?: TargetErrorCode } = {},
): Promise<string> {
  const r = await run(args, opts);
  if (r.code === 0) return r.stdout;
  throw dockerFailure(args, r, opts.code);
}

/** The error for a docker command that exited non-zero, with docker's own words. */
export function dockerFailure(args: readonly string[], r: DockerResult, code: TargetErrorCode = 'docker-failed'): TargetError {
  const stderr = r.stderr.trim();
  if (unreachable(stderr)) return new TargetError('docker-unavailable', `the Docker engine is not reachable: ${stderr}`);
  return new TargetError(code, `docker ${args.slice(0, 2).join(' ')} failed: ${stderr || `exit ${r.code}`}`);
}

/** Why Docker cannot be used, or null when the engine answers (and, if asked, is a swarm manager). */
export async function dockerProblem(run: DockerRunner = runDocker, opts: { swarm?: boolean } = {}): Promise<string | null> {
  let r: DockerResult;
  try {
    r = await run(['info', '--format', '{{.ServerVersion}} {{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (r.code !== 0) return `the Docker engine is not reachable: ${r.stderr.trim() || `docker info exited ${r.code}`}`;
  const [version, state, manager] = r.stdout.trim().split(' ');
  if (!version) return 'the Docker engine is not reachable';
  if (opts.swarm && (state !== 'active' || manager !== 'true')) {
    return 'this Docker engine is not a swarm manager (docker swarm init --advertise-addr 127.0.0.1)';
  }
  return null;
}

/** Lines of `--format '{{json .}}'` output as objects. */
export function jsonLines<T>(stdout: string): T[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}
