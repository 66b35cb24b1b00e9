// Docker for the benchmarks that compare with Swarm: run the client, build a small image from
// files, wait for a condition with a deadline. Nothing here waits by sleeping alone.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { docker, runDocker } from '../../packages/bricks/src/targets/docker/cli.ts';
import { dockerProblem } from '../../packages/bricks/src/targets/index.ts';

export { dockerProblem };

/** `docker ARGS`; stdout, or a TargetError with docker's stderr. */
export function dockerOut(...args: string[]): Promise<string> {
  return docker(runDocker, args);
}

/** `docker ARGS`, ignoring failure (cleanup). */
export async function dockerQuiet(...args: string[]): Promise<void> {
  await runDocker(args).catch(() => undefined);
}

/** An image `FROM base` holding `files` under /app; returns its tag. */
export async function buildFilesImage(tag: string, base: string, files: readonly string[]): Promise<string> {
  const ctx = mkdtempSync(join(tmpdir(), 'bricks-bench-image-'));
  try {
    const copies = files.map((f) => {
      copyFileSync(f, join(ctx, basename(f)));
      return `COPY ${basename(f)} /app/${basename(f)}`;
    });
    writeFileSync(join(ctx, 'Dockerfile'), [`FROM ${base}`, ...copies, 'WORKDIR /app', ''].join('\n'));
    await dockerOut('build', '--quiet', '--tag', tag, ctx);
    return tag;
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Polls `probe` every `everyMs` until it returns a value, or throws after `timeoutMs`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
