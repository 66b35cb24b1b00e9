// Releases: the history by SHA with each one's outcome and changes, the diff between two, and a
// rollback to a chosen release (confirmed first; its progress shown as it goes).
import { useEffect, useState } from 'preact/hooks';
import type { DiffDoc, HistoryDoc, HistoryRow, OperationLine, PlatformEvent } from '../../../platform/api/contract/index.ts';
import { call, lines } from '../api.ts';
import { Confirm } from '../parts/confirm.tsx';

/**
 * The reference a rollback to `row` sends: its SHA where no other release has that SHA, else
 * its place among the releases that completed before the current one (`-N`), which the daemon
 * resolves the same way (releases/history.ts).
 */
export function refOf(doc: HistoryDoc, row: HistoryRow): string {
  const sameSha = doc.releases.filter((r) => r.release.sha === row.release.sha);
  if (sameSha.length === 1) return row.release.sha;
  const ran = doc.releases.filter((r) => r.outcomes.some((o) => o.kind === 'completed'));
  const at = ran.findIndex((r) => r.release.id === doc.current);
  const target = ran.findIndex((r) => r.release.id === row.release.id);
  return at >= 0 && target >= 0 ? `-${at - target}` : row.release.sha;
}

export function ReleasesPage({ events }: { events: readonly PlatformEvent[] }) {
  const [doc, setDoc] = useState<HistoryDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<HistoryRow | null>(null);
  const [progress, setProgress] = useState<readonly string[]>([]);
  const [pair, setPair] = useState<readonly number[]>([]);
  const [diff, setDiff] = useState<DiffDoc | null>(null);
  // A release event (a deploy from the CLI, our rollback) means the history changed.
  const releaseEvents = events.filter((e) => e.type === 'release').length;

  useEffect(() => {
    const stop = new AbortController();
    call('history', undefined, stop.signal)
      .then(setDoc)
      .catch((err: unknown) => !stop.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => stop.abort();
  }, [releaseEvents]);

  useEffect(() => {
    const [a, b] = pair;
    if (a === undefined || b === undefined || doc === null) return setDiff(null);
    const sha = (id: number): string => doc.releases.find((r) => r.release.id === id)?.release.sha ?? '';
    const stop = new AbortController();
    call('diff', { a: sha(a), b: sha(b) }, stop.signal)
      .then(setDiff)
      .catch((err: unknown) => !stop.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => stop.abort();
  }, [pair, doc]);

  const rollback = async (row: HistoryRow): Promise<void> => {
    if (doc === null) return;
    setConfirm(null);
    setProgress([`rolling back to release ${row.release.id} (${row.release.sha.slice(0, 12)})…`]);
    const stop = new AbortController();
    try {
      for await (const line of lines('rollback', { ref: refOf(doc, row) }, stop.signal)) setProgress((p) => [...p, describe(line)]);
    } catch (err) {
      setProgress((p) => [...p, `failed: ${err instanceof Error ? err.message : String(err)}`]);
    }
    setDoc(await call('history', undefined));
  };

  if (error !== null && doc === null) return <p role="alert">{error}</p>;
  if (doc === null) return <p class="loading">Loading releases…</p>;
  return (
    <section aria-labelledby="releases-title">
      <h1 id="releases-title">Releases</h1>
      {doc.releases.length === 0 ? <p class="muted">No release yet: `bricks deploy` records one.</p> : null}
      <table class="releases">
        <thead>
          <tr>
            <th scope="col">Diff</th>
            <th scope="col">#</th>
            <th scope="col">SHA</th>
            <th scope="col">Recorded</th>
            <th scope="col">Kind</th>
            <th scope="col">Outcome</th>
            <th scope="col">Changes</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {[...doc.releases].reverse().map((row) => {
            const current = row.release.id === doc.current;
            return (
              <tr key={row.release.id} data-release={row.release.id} class={current ? 'current' : ''}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`compare release ${row.release.id}`}
                    checked={pair.includes(row.release.id)}
                    onChange={(e) => setPair((p) => (e.currentTarget.checked ? [...p, row.release.id].slice(-2) : p.filter((id) => id !== row.release.id)))}
                  />
                </td>
                <td>{row.release.id}</td>
                <td>
                  <code>{row.release.sha.slice(0, 12)}</code>
                  {row.release.dirty ? <span class="muted"> (dirty)</span> : null}
                  {current ? <span class="badge running">current</span> : null}
                </td>
                <td>{new Date(row.release.createdAt).toLocaleString()}</td>
                <td>{row.release.kind === 'rollback' ? `rollback of #${row.release.rollbackOf ?? '?'}` : 'deploy'}</td>
                <td>
                  <span class={`badge ${row.status}`}>{row.status}</span>
                </td>
                <td>{row.changes.map((c) => `${c.name} ${c.change}`).join(', ') || '–'}</td>
                <td>
                  {!current && row.outcomes.some((o) => o.kind === 'completed') ? (
                    <button type="button" onClick={() => setConfirm(row)}>
                      Roll back to this
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {progress.length > 0 ? (
        <section aria-labelledby="progress-title">
          <h2 id="progress-title">Rollback</h2>
          <ol class="progress" aria-live="polite">
            {progress.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ol>
        </section>
      ) : null}
      {diff !== null ? (
        <section aria-labelledby="diff-title">
          <h2 id="diff-title">
            Release {diff.a.id} → {diff.b.id}
          </h2>
          {diff.diff.services.length === 0 ? <p class="muted">No service differs.</p> : null}
          <ul>
            {diff.diff.services.map((c) => (
              <li key={c.name}>
                <strong>{c.name}</strong>: {c.change}
                {c.change === 'config' ? ` (${c.configPaths.join(', ')})` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {confirm !== null ? (
        <Confirm title={`Roll back to release ${confirm.release.id}?`} confirmLabel="Roll back" onConfirm={() => void rollback(confirm)} onCancel={() => setConfirm(null)}>
          <p>
            Every service is put back to its artifact and configuration of commit <code>{confirm.release.sha.slice(0, 12)}</code>, replica by replica.
          </p>
        </Confirm>
      ) : null}
    </section>
  );
}

function describe(line: OperationLine): string {
  switch (line.kind) {
    case 'progress':
      return line.progress.kind === 'note' ? line.progress.message : `build: ${JSON.stringify(line.progress.event)}`;
    case 'result':
      return `${line.result.outcome}: ${line.result.detail}`;
    case 'error':
      return `error (${line.code}): ${line.message}`;
  }
}
