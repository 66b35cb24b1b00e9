// The files a replica gets from the platform: its secrets (one file each, mode 0400, at its
// target below /run/secrets, the place Swarm uses) and its identity tokens (one per audience),
// in a folder of its own (0700), on tmpfs where the machine has one, so no secret lands on disk
// in the clear. The folders live as long as their replicas; the daemon wipes what a crash left.
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { FileMount, Service } from '../../stack/model.ts';
import { SecretError } from './errors.ts';
import { renewalDue, type IdentityIssuer } from './identity-issuer.ts';
import type { Vault } from './vault.ts';

/** Swarm's and Compose's folder of secrets: a target below it lies directly in the replica's folder. */
const SWARM_SECRETS = '/run/secrets';
/** The issue's contract for a secret's file, unless the entry sets `mode`. */
const DEFAULT_MODE = 0o400;

interface Held {
  readonly unit: string;
  readonly services: readonly string[];
  readonly mounts: readonly FileMount[];
  readonly secretsDir: string;
  readonly identityDir: string;
  tokensIssuedAt: number;
}

export interface ReplicaFolders {
  readonly secretsDir: string;
  readonly identityDir: string;
}

export interface ReplicaFilesOptions {
  readonly vault: Vault;
  /** Issues the identity tokens; without one, replicas get none. */
  readonly issuer?: IdentityIssuer;
  /** The services of the stack now: each one a token's audience. */
  readonly audiences: () => readonly string[];
  readonly now?: () => number;
}

/**
 * Where replicas' folders go for a project: $XDG_RUNTIME_DIR (a per-user tmpfs), else /dev/shm
 * (tmpfs) in a folder only this user can enter, else the project's .bricks/run (disk).
 */
export function runtimeRoot(projectDir: string, fallback: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const id = createHash('sha256').update(projectDir).digest('hex').slice(0, 12);
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime !== undefined && runtime !== '' && ownedPrivateDir(runtime)) return join(runtime, 'bricks', id);
  const shm = join('/dev/shm', `bricks-${process.getuid?.() ?? 0}`);
  try {
    mkdirSync(shm, { mode: 0o700 });
  } catch {
    // there already, or no /dev/shm: checked below
  }
  if (ownedPrivateDir(shm)) return join(shm, id);
  return fallback;
}

/** A real folder (no symlink another user planted) that is ours alone. */
function ownedPrivateDir(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export class ReplicaFiles {
  readonly #held = new Map<string, Held>();
  readonly #now: () => number;

  private constructor(
    readonly root: string,
    private readonly options: ReplicaFilesOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** Takes `root` over: whatever a daemon that died left there goes first. */
  static async open(root: string, options: ReplicaFilesOptions): Promise<ReplicaFiles> {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true, mode: 0o700 });
    return new ReplicaFiles(root, options);
  }

  /**
   * Writes a replica's secrets and tokens before it starts. Fails (and leaves nothing) when a
   * value is missing: a replica never starts with part of its secrets.
   */
  async prepare(replicaId: string, unit: Service, services: readonly string[]): Promise<ReplicaFolders> {
    const dir = join(this.root, safeName(replicaId));
    const held: Held = { unit: unit.name, services, mounts: unit.secrets, secretsDir: join(dir, 'secrets'), identityDir: join(dir, 'identity'), tokensIssuedAt: 0 };
    try {
      await mkdir(held.secretsDir, { recursive: true, mode: 0o700 });
      await mkdir(held.identityDir, { recursive: true, mode: 0o700 });
      for (const m of unit.secrets) await this.#writeSecret(held, m);
      await this.#writeTokens(held);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw SecretError.from(err);
    }
    this.#held.set(replicaId, held);
    return { secretsDir: held.secretsDir, identityDir: held.identityDir };
  }

  /** Replaces, in place, the files of these secrets in every replica of `unit` (each file swapped whole). */
  async rewrite(unit: string, secrets: readonly string[]): Promise<number> {
    let n = 0;
    for (const held of this.#held.values()) {
      if (held.unit !== unit) continue;
      for (const m of held.mounts) if (secrets.includes(m.source)) await this.#writeSecret(held, m);
      n++;
    }
    return n;
  }

  /** Renews the tokens past half their life, and gives every replica the tokens of services added since. */
  async renew(): Promise<void> {
    const issuer = this.options.issuer;
    if (issuer === undefined) return;
    for (const held of this.#held.values()) {
      if (renewalDue(held.tokensIssuedAt, issuer.ttlMs, this.#now())) await this.#writeTokens(held).catch(() => undefined);
    }
  }

  async release(replicaId: string): Promise<void> {
    const held = this.#held.get(replicaId);
    this.#held.delete(replicaId);
    if (held !== undefined) await rm(join(held.secretsDir, '..'), { recursive: true, force: true });
  }

  /** Every folder goes with the daemon. */
  async close(): Promise<void> {
    this.#held.clear();
    await rm(this.root, { recursive: true, force: true });
  }

  async #writeSecret(held: Held, m: FileMount): Promise<void> {
    const value = this.options.vault.value(m.source);
    if (value === undefined) throw new SecretError('not-found', `secrets.${m.source} has no value loaded for ${held.unit}`);
    await writeWhole(join(held.secretsDir, localTarget(m.target)), value, m.mode ?? DEFAULT_MODE);
  }

  async #writeTokens(held: Held): Promise<void> {
    const issuer = this.options.issuer;
    if (issuer === undefined) return;
    const now = this.#now();
    for (const audience of this.options.audiences()) {
      const t = await issuer.issue(held.unit, held.services, audience, now);
      await writeWhole(join(held.identityDir, `${safeName(audience)}.jwt`), Buffer.from(t.token), 0o400);
    }
    held.tokensIssuedAt = now;
  }
}

/** A target inside the replica's folder, as the SDK's secretPath() finds it; `..` cannot leave it. */
export function localTarget(target: string): string {
  if (!isAbsolute(target)) throw new SecretError('internal', `secret target ${target} is not absolute`);
  const below = relative(SWARM_SECRETS, normalize(target));
  const rel = below.startsWith('..') ? normalize(target).slice(1) : below;
  if (rel === '' || rel.split('/').includes('..')) throw new SecretError('unreadable-source', `secret target ${target} is not a file path`);
  return rel;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A new file beside the old one, then a rename: a reader sees the old value or the new, never part of one. */
async function writeWhole(path: string, value: Buffer, mode: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(tmp, 'wx', mode);
  try {
    await file.writeFile(value);
  } finally {
    await file.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
