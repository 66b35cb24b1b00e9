// The project's secret store: bricks.secrets.json beside the stack file, meant to be committed.
// Names and times are in the clear (a diff shows which secret changed); each value is sealed
// with AES-256-GCM under the store's key (store-key.ts) and a fresh 96-bit nonce, its name and
// the store's id bound in as associated data, so a value cannot be moved to another name or
// store unnoticed. `key_id` tells a wrong key from a damaged file.
//
//   { "bricks_secrets": 1, "store": "<uuid>", "cipher": "AES-256-GCM", "key_id": "<hex>",
//     "secrets": { "db_password": { "nonce": "<b64>", "data": "<b64 ciphertext+tag>", "updated": "<ISO time>" } } }
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SECRETS_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { SecretError } from './errors.ts';
import { findKey, findOrMakeKey, type StoreKey } from './store-key.ts';

export const STORE_FORMAT = 1;
const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Entry {
  readonly nonce: string;
  readonly data: string;
  readonly updated: string;
}

interface StoreFile {
  readonly bricks_secrets: number;
  readonly store: string;
  readonly cipher: string;
  readonly key_id: string;
  readonly secrets: Readonly<Record<string, Entry>>;
}

export interface SecretListing {
  readonly name: string;
  readonly updated: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The key's fingerprint: shows which key a store wants without telling anything about it. */
function keyId(key: Buffer): string {
  return createHash('sha256').update('bricks-secrets/key-id\0').update(key).digest('hex').slice(0, 16);
}

function aad(store: string, name: string): Buffer {
  return Buffer.from(`bricks-secrets/v${STORE_FORMAT}\0${store}\0${name}`);
}

export class SecretStore {
  private constructor(
    readonly path: string,
    private file: StoreFile,
    private key: StoreKey | undefined,
  ) {}

  /**
   * Reads the store at `path`. A missing file is an empty store (its key is made on the first
   * `set`). The key is checked against the store's `key_id` before anything is decrypted.
   */
  static async open(path: string, env: Env = process.env): Promise<SecretStore> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretError('corrupt', `cannot read the secret store ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (text === undefined) return new SecretStore(path, { bricks_secrets: STORE_FORMAT, store: randomUUID(), cipher: CIPHER, key_id: '', secrets: {} }, undefined);
    const file = parseStoreFile(path, text);
    const key = findKey(file.store, env);
    if (key !== undefined && keyId(key.key) !== file.key_id) {
      throw new SecretError('wrong-key', `the key from ${key.from} does not open the secret store ${path} (it wants the key with id ${file.key_id}, this one is ${keyId(key.key)}): use that store's key`);
    }
    return new SecretStore(path, file, key);
  }

  get id(): string {
    return this.file.store;
  }

  /** Names and times; never values. */
  list(): SecretListing[] {
    return Object.entries(this.file.secrets)
      .map(([name, e]) => ({ name, updated: e.updated }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  has(name: string): boolean {
    return Object.hasOwn(this.file.secrets, name);
  }

  /** The value, decrypted and authenticated; a damaged entry is an error, never a part of a value. */
  get(name: string): Buffer {
    const entry = this.file.secrets[name];
    if (entry === undefined) throw new SecretError('not-found', `the secret store ${this.path} has no secret "${name}": bricks secret set ${name}`);
    const key = this.requireKey();
    try {
      const data = Buffer.from(entry.data, 'base64');
      if (data.length < TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(entry.nonce, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(this.file.store, name));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    } catch (err) {
      throw new SecretError('corrupt', `the secret "${name}" in ${this.path} does not decrypt: the file was changed or damaged (the key is the right one); set it again with bricks secret set ${name}`, { cause: err });
    }
  }

  /** Seals and writes the value (the whole file, atomically). Makes the store's key on first use. */
  async set(name: string, value: Buffer, env: Env = process.env, now: Date = new Date()): Promise<{ keyMadeAt?: string }> {
    let made: string | undefined;
    let key = this.key;
    if (key === undefined) {
      const k = await findOrMakeKey(this.file.store, env);
      if (k.made) made = k.from;
      key = k;
      if (this.file.key_id !== '' && keyId(k.key) !== this.file.key_id) throw new SecretError('wrong-key', `the key from ${k.from} does not open ${this.path}`);
    }
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.file.store, name));
    const data = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
    const secrets = { ...this.file.secrets, [name]: { nonce: nonce.toString('base64'), data: data.toString('base64'), updated: now.toISOString() } };
    await this.write({ ...this.file, key_id: keyId(key.key), secrets }, key);
    return made === undefined ? {} : { keyMadeAt: made };
  }

  async remove(name: string): Promise<void> {
    if (!this.has(name)) throw new SecretError('not-found', `the secret store ${this.path} has no secret "${name}"; it has ${this.list().map((l) => l.name).join(', ') || 'none'}`);
    const secrets = Object.fromEntries(Object.entries(this.file.secrets).filter(([n]) => n !== name));
    await this.write({ ...this.file, secrets }, this.key);
  }

  private requireKey(): StoreKey {
    if (this.key === undefined) {
      throw new SecretError('no-key', `no key for the secret store ${this.path}: put it in the key file for store ${this.file.store} in your config folder (from whoever keeps it), or set ${SECRETS_KEY_VARIABLE}`);
    }
    return this.key;
  }

  private async write(file: StoreFile, key: StoreKey | undefined): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, 0o644);
    this.file = file;
    this.key = key;
  }
}

/** Checks the shape of a store file; whatever is wrong is said with the file's name. */
function parseStoreFile(path: string, text: string): StoreFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SecretError('corrupt', `the secret store ${path} is not JSON (${(err as Error).message}): restore it from version control`, { cause: err });
  }
  const f = raw as Partial<StoreFile> | null;
  const bad = (what: string): never => {
    throw new SecretError('corrupt', `the secret store ${path} is damaged: ${what}; restore it from version control`);
  };
  if (f === null || typeof f !== 'object') return bad('it is not an object');
  if (f.bricks_secrets !== STORE_FORMAT) return bad(`bricks_secrets is ${JSON.stringify(f.bricks_secrets)}, this bricks reads ${STORE_FORMAT}`);
  if (typeof f.store !== 'string' || f.store === '') return bad('it has no store id');
  if (f.cipher !== CIPHER) return bad(`its cipher is ${JSON.stringify(f.cipher)}, not ${CIPHER}`);
  if (typeof f.key_id !== 'string') return bad('it has no key_id');
  if (f.secrets === null || typeof f.secrets !== 'object') return bad('it has no secrets map');
  for (const [name, e] of Object.entries(f.secrets)) {
    if (typeof e?.nonce !== 'string' || typeof e.data !== 'string' || typeof e.updated !== 'string') return bad(`the entry "${name}" lacks its nonce, data or updated time`);
    if (Buffer.from(e.nonce, 'base64').length !== NONCE_BYTES) return bad(`the entry "${name}" has a nonce of the wrong length`);
  }
  return f as StoreFile;
}
