// The key of a project's secret store, kept outside the repository: BRICKS_SECRETS_KEY when the
// user supplies one (CI, a shared team key), else a key file of mode 0600 in the user's config
// folder ($XDG_CONFIG_HOME/bricks/secret-keys/<store id>.key, else ~/.config/...), made on first use.
// Sharing the store means committing bricks.secrets.json and handing the key file over out of band.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SECRETS_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { SecretError } from './errors.ts';

/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;

export interface StoreKey {
  readonly key: Buffer;
  /** Where it came from, for messages: the file, or the variable's name. */
  readonly from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function keyFileOf(storeId: string, env: Env = process.env): string {
  const config = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(config, 'bricks', 'secret-keys', `${storeId}.key`);
}

/** The store's key, or undefined when there is none yet. */
export function findKey(storeId: string, env: Env = process.env): StoreKey | undefined {
  const supplied = env[SECRETS_KEY_VARIABLE];
  if (supplied !== undefined && supplied !== '') return { key: decodeKey(supplied, SECRETS_KEY_VARIABLE), from: SECRETS_KEY_VARIABLE };
  const file = keyFileOf(storeId, env);
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return undefined;
  }
  // As ssh does with private keys: a key others can read is no longer only yours.
  if ((mode & 0o077) !== 0) throw new SecretError('bad-key-file', `${file} can be read by others (mode ${(mode & 0o777).toString(8)}): chmod 600 ${file}`);
  return { key: decodeKey(readFileSync(file, 'utf8'), file), from: file };
}

/** The store's key, made (and written 0600) when there is none. */
export async function findOrMakeKey(storeId: string, env: Env = process.env): Promise<StoreKey & { readonly made: boolean }> {
  const found = findKey(storeId, env);
  if (found !== undefined) return { ...found, made: false };
  const file = keyFileOf(storeId, env);
  const key = randomBytes(KEY_BYTES);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${key.toString('base64')}\n`, 0o600);
  return { key, from: file, made: true };
}

function decodeKey(text: string, from: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretError('bad-key-file', `${from} does not hold a store key (base64 of ${KEY_BYTES} bytes)`);
  return key;
}
