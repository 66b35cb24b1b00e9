// The deployer as the control API's routes see it (their ReleasesPort): the history and diff
// documents, and deploy and release errors turned into API errors with the right status.
import type { DiffDoc, HistoryDoc, HistoryRow } from '../api/contract/index.ts';
import { ApiError } from '../api/errors.ts';
import type { ReleasesPort } from '../api/ports.ts';
import { ReleaseError } from '../releases/index.ts';
import { DeployError } from './deploy-error.ts';
import type { Deployer } from './deployer.ts';

export function releaseApi(deployer: Deployer): ReleasesPort {
  return {
    // Their failures go out as error lines, with the code of the DeployError or ReleaseError.
    deploy: (progress) => deployer.deploy(progress),
    rollback: (ref, progress) => deployer.rollback(ref, progress),
    reloadSecrets: (progress) => deployer.reloadSecrets(progress),
    requireReleases: () => {
      asApiError(() => deployer.store());
    },
    history: () => asApiErrorAsync(() => historyDoc(deployer)),
    diff: (a, b) => asApiErrorAsync(() => diffDoc(deployer, a, b)),
  };
}

async function historyDoc(deployer: Deployer): Promise<HistoryDoc> {
  const entries = await deployer.history();
  const store = deployer.store();
  const rows: HistoryRow[] = [];
  for (const e of entries) {
    const previous = e.release.previous === undefined ? undefined : await store.get(e.release.previous);
    const changes = previous === undefined ? Object.keys(e.release.services).map((name) => ({ name, change: 'added' as const })) : (await store.diff(previous, e.release)).services;
    rows.push({ ...e, changes });
  }
  const current = await store.current();
  return { current: current?.release.id ?? null, releases: rows };
}

async function diffDoc(deployer: Deployer, a: string, b: string): Promise<DiffDoc> {
  const store = deployer.store();
  const [ra, rb] = await Promise.all([store.resolve(a), store.resolve(b)]);
  return { a: ra.release, b: rb.release, diff: await store.diff(ra.release, rb.release) };
}

/** Release and deploy errors become API errors with the right status. */
function toApiError(err: unknown): unknown {
  if (err instanceof ReleaseError) return new ApiError(err.code === 'not-found' || err.code === 'bad-ref' || err.code === 'ambiguous' ? 'not-found' : 'internal', err.message, { cause: err });
  if (err instanceof DeployError) return new ApiError(err.code === 'no-releases' ? 'conflict' : 'bad-request', err.message, { cause: err });
  return err;
}

function asApiError<T>(op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw toApiError(err);
  }
}

async function asApiErrorAsync<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw toApiError(err);
  }
}
