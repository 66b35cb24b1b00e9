// `buildStack`: one artifact per service, all services at once (esbuild runs them in parallel
// inside its one process). Every service is attempted; failures are collected and thrown together.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Stack } from '../stack/model.ts';
import { buildService } from './build-service.ts';
import { BuildError } from './errors.ts';
import { readLockfile } from './lockfile.ts';
import type { Lockfile } from './lockfile.ts';
import type { BuildOptions, BuildResult, ServiceArtifact } from './types.ts';

export async function buildStack(stack: Stack, options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const rootDir = resolve(options.rootDir);
  const outDir = resolve(options.outDir);
  const names = options.only ?? Object.keys(stack.services);
  const unknown = names.filter((n) => stack.services[n] === undefined);
  if (unknown.length > 0) {
    throw new BuildError('unknown-service', `no such service in ${stack.file}: ${unknown.join(', ')}`);
  }
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new BuildError('io', `cannot create ${outDir}`, { cause: err });
  }
  let lockfile: Lockfile | undefined;
  const emit = options.onProgress ?? (() => {});
  const ctx = { rootDir, outDir, emit, lockfile: () => (lockfile ??= readLockfile(rootDir)) };

  const settled = await Promise.all(
    names.map(async (name): Promise<ServiceArtifact | BuildError> => {
      const service = stack.services[name];
      if (service === undefined) throw new Error('unreachable: names were checked above');
      try {
        return await buildService(service, ctx);
      } catch (err) {
        const error = BuildError.from(err, 'io', name);
        emit({ kind: 'failed', service: name, message: error.message, location: error.location, error });
        return error;
      }
    }),
  );
  const failures = settled.filter((r): r is BuildError => r instanceof BuildError);
  if (failures.length > 0) {
    const summary = failures.map((f) => `${f.service ?? '?'}: ${f.message}`).join('\n');
    throw new BuildError('build-failed', `${failures.length} of ${names.length} services failed to build\n${summary}`, { failures });
  }
  return { services: settled as ServiceArtifact[], durationMs: performance.now() - started };
}
