// The values of a stack's secrets, held by the daemon for the replicas it starts: read from their
// sources (a file, the daemon's environment, inline, or `external` ones from the encrypted store)
// all at once, so a deploy either has every value or changes nothing. Each value has a generation
// that moves when it changes: a service's version carries its secrets' generations (never a hash
// of a value, which would let a guess be checked), so a new value rolls just the services using it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Service, Stack, ValueSource } from '../../stack/model.ts';
import { SecretError } from './errors.ts';
import { SecretStore } from './store.ts';

/** The store's file, beside the stack file. */
export const STORE_FILE = 'bricks.secrets.json';

type Env = Readonly<Record<string, string | undefined>>;

export class Vault {
  readonly #values = new Map<string, Buffer>();
  readonly #generations = new Map<string, number>();

  constructor(private readonly env: Env = process.env) {}

  /**
   * Reads every secret a service of `stack` uses. All or nothing: on any failure the values held
   * stay as they were and the error names the secret and its source. Returns the names whose value changed.
   */
  async refresh(stack: Stack): Promise<string[]> {
    const used = new Set<string>();
    for (const s of Object.values(stack.services)) for (const m of s.secrets) used.add(m.source);
    const read = new Map<string, Buffer>();
    let store: SecretStore | undefined;
    for (const name of used) {
      const src = stack.secrets[name];
      if (src === undefined) throw new SecretError('unreadable-source', `secrets.${name} is used but not declared at the top level of ${stack.file}`);
      if (src.kind === 'external') store ??= await SecretStore.open(join(stack.dir, STORE_FILE), this.env);
      read.set(name, await this.#read(name, src, store));
    }
    const changed: string[] = [];
    for (const [name, value] of read) {
      const before = this.#values.get(name);
      if (before !== undefined && before.equals(value)) continue;
      this.#values.set(name, value);
      this.#generations.set(name, (this.#generations.get(name) ?? 0) + 1);
      if (before !== undefined) changed.push(name);
    }
    return changed;
  }

  /** The value of a top-level secret, as last read. */
  value(name: string): Buffer | undefined {
    return this.#values.get(name);
  }

  /**
   * What a service's version adds for its secrets: empty when it has none or rereads them in
   * place (a new value must not restart it), else a digest of their names and generations.
   */
  versionOf(service: Service): string {
    if (service.secrets.length === 0 || service.bricks.secretRotation === 'in-place') return '';
    const parts = [...new Set(service.secrets.map((m) => m.source))].sort().map((n) => `${n}:${this.#generations.get(n) ?? 0}`);
    return `+s${createHash('sha256').update(parts.join(',')).digest('hex').slice(0, 8)}`;
  }

  async #read(name: string, src: ValueSource, store: SecretStore | undefined): Promise<Buffer> {
    switch (src.kind) {
      case 'file':
        try {
          return await readFile(src.path);
        } catch (err) {
          throw new SecretError('unreadable-source', `secrets.${name}: cannot read its file ${src.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
        }
      case 'environment': {
        const v = this.env[src.variable];
        if (v === undefined) throw new SecretError('unreadable-source', `secrets.${name}: the environment variable ${src.variable} is not set where bricks up runs`);
        return Buffer.from(v);
      }
      case 'content':
        return Buffer.from(src.content);
      case 'external':
        if (store === undefined) throw new SecretError('internal', 'no store was opened');
        if (!store.has(src.name)) throw new SecretError('not-found', `secrets.${name} is external and the store ${store.path} has no "${src.name}": bricks secret set ${src.name}`);
        return store.get(src.name);
    }
  }
}

/** The variables an `environment:` secret comes from: never handed to a replica. */
export function secretVariables(stack: Stack): Set<string> {
  const out = new Set<string>();
  for (const src of Object.values(stack.secrets)) if (src.kind === 'environment') out.add(src.variable);
  return out;
}
