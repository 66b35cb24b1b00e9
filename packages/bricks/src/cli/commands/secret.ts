// `bricks secret set|ls|rm`: the project's encrypted store of `external` secrets
// (bricks.secrets.json beside the stack file). A new value is then brought to the services that
// use it by the running daemon, without downtime. No value is ever printed or sent over the API.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stack } from '../../stack/model.ts';
import { SecretError } from '../../platform/secrets/errors.ts';
import { keyFileOf } from '../../platform/secrets/store-key.ts';
import { SecretStore } from '../../platform/secrets/store.ts';
import { STORE_FILE } from '../../platform/secrets/vault.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, loadOrFail } from '../context.ts';
import { CliError } from '../errors.ts';
import { table } from '../format/table.ts';
import { runOperation } from '../operation.ts';

/** Store names are what `external: { name }` refers to: Docker's secret name rules. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

async function openStore(stack: Stack): Promise<SecretStore> {
  try {
    return await SecretStore.open(join(stack.dir, STORE_FILE));
  } catch (err) {
    throw new CliError('failed', (err as Error).message, { cause: err });
  }
}

/** The top-level secrets that take their value from this store entry, and the services that mount them. */
function usersOf(stack: Stack, name: string): { secrets: string[]; services: string[] } {
  const secrets = Object.entries(stack.secrets).filter(([, s]) => s.kind === 'external' && s.name === name).map(([n]) => n);
  const services = Object.values(stack.services).filter((s) => s.secrets.some((m) => secrets.includes(m.source))).map((s) => s.name);
  return { secrets, services };
}

async function readValue(fromFile: string | undefined): Promise<Buffer> {
  if (fromFile !== undefined) {
    try {
      return await readFile(fromFile);
    } catch (err) {
      throw new CliError('failed', `cannot read ${fromFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }
  // Typed on a terminal the value would be shown as it is typed, and kept in scrollback.
  if (process.stdin.isTTY) throw new CliError('usage', 'bricks secret set reads the value from stdin or --from-file: `bricks secret set NAME < file`, or `printf %s "$VALUE" | bricks secret set NAME`');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export async function secretSet(name: string, options: GlobalOptions & { fromFile?: string }): Promise<void> {
  if (!NAME.test(name)) throw new CliError('usage', `'${name}' is not a secret name: letters, digits, '_', '.', '-', starting with a letter or digit`);
  const stack = await loadOrFail(options);
  const value = await readValue(options.fromFile);
  if (value.length === 0) throw new CliError('usage', `the value of ${name} is empty: give it on stdin or with --from-file`);
  const store = await openStore(stack);
  const { keyMadeAt } = await store.set(name, value).catch((err: unknown) => {
    throw new CliError('failed', err instanceof SecretError ? err.message : String(err), { cause: err });
  });
  if (keyMadeAt !== undefined) console.log(`made the store's key: ${keyMadeAt} (mode 0600; share it with your team out of band, never in the repository)`);
  const users = usersOf(stack, name);
  console.log(`${name} stored in ${store.path}${users.services.length > 0 ? `; used by ${users.services.join(', ')}` : `; no service uses it yet (declare it: secrets: { x: { external: true, name: ${name} } })`}`);
  await reloadIfRunning({ ...options, name });
}

export async function secretLs(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options);
  const store = await openStore(stack);
  const rows = store.list().map((l) => ({ ...l, usedBy: usersOf(stack, l.name).services }));
  if (options.json === true) {
    console.log(JSON.stringify({ store: store.path, key: keyFileOf(store.id), secrets: rows }, null, 2));
    return;
  }
  if (rows.length === 0) console.log(`no secret in ${store.path}: bricks secret set NAME < file`);
  else console.log(table(['NAME', 'UPDATED (UTC)', 'USED BY'], rows.map((r) => [r.name, r.updated.replace('T', ' ').slice(0, 19), r.usedBy.join(', ') || '-'])));
  const missing = Object.entries(stack.secrets).filter(([, s]) => s.kind === 'external' && !store.has(s.name)).map(([, s]) => (s.kind === 'external' ? s.name : ''));
  if (missing.length > 0) console.log(`not in the store yet, though the stack needs them: ${missing.join(', ')}`);
}

export async function secretRm(name: string, options: GlobalOptions): Promise<void> {
  const stack = await loadOrFail(options);
  const store = await openStore(stack);
  await store.remove(name).catch((err: unknown) => {
    throw new CliError('failed', err instanceof Error ? err.message : String(err), { cause: err });
  });
  const users = usersOf(stack, name);
  console.log(`${name} removed from ${store.path}`);
  // Running replicas keep the value they have; a new one could not start without it.
  if (users.services.length > 0) console.log(`warning: ${users.services.join(', ')} use it: their replicas keep the value they have, and new ones will not start until it is set again`);
}

/** With a daemon running, bring the new value to its services now; without one, the next `bricks up` reads it. */
async function reloadIfRunning(options: GlobalOptions & { name?: string }): Promise<void> {
  let api;
  try {
    api = await clientOf(options);
  } catch (err) {
    if (err instanceof CliError && err.code === 'not-running') {
      console.log('no daemon runs: the next bricks up uses the new value');
      return;
    }
    throw err;
  }
  const result = await runOperation(api.reloadSecrets(), {});
  if (result.outcome === 'unchanged') console.log(`no running service uses ${options.name ?? 'it'}: nothing to roll`);
  else if (result.outcome === 'completed') console.log(`rotated: ${result.detail}`);
  else throw new CliError('failed', `rotation ${result.outcome}: ${result.detail}`);
}
