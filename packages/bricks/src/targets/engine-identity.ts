// What the engine targets add to a stack for secrets and service identity, before rendering:
// `external` secrets the project's encrypted store holds become values of the deployment (so
// `bricks secret set` serves Swarm and Kubernetes as it serves the daemon, and a new value,
// content-hashed, updates just its users); and each service gets its own identity signing key,
// a secret only it receives, while every service gets the stack's public keys (a config) to
// verify callers with. A service signs its own short-lived tokens (the SDK, BRICKS_IDENTITY_KEY);
// a verifier holds a token's subject to the key that signed it, so no service can sign as
// another. The keys are kept in the store (`bricks.identity.<service>`), so a redeploy keeps
// them and Swarm and Kubernetes see no change; `bricks secret rm bricks.identity.<service>`
// makes a new one at the next deploy.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { IDENTITY_ISSUER_VARIABLE, IDENTITY_JWKS_VARIABLE, IDENTITY_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import type { FileMount, Service, Stack, ValueSource } from '../stack/model.ts';
import { SecretStore } from '../platform/secrets/store.ts';
import { STORE_FILE } from '../platform/secrets/vault.ts';
import { TargetError } from './errors.ts';

/** Where a service finds its own key, and every service the stack's public keys. */
export const IDENTITY_KEY_PATH = '/run/secrets/bricks-identity.jwk';
export const IDENTITY_JWKS_PATH = '/run/bricks/identity-jwks.json';
const JWKS_CONFIG = 'bricks_identity_jwks';
const keySecret = (service: string): string => `bricks_identity_${service.replace(/[^A-Za-z0-9_]/g, '_')}`;
const storeName = (service: string): string => `bricks.identity.${service}`;

type Env = Readonly<Record<string, string | undefined>>;

/** The issuer engine identity tokens name: no URL, since the keys travel with the deployment. */
export function engineIssuer(stack: Stack): string {
  return `bricks:${stack.name}`;
}

/**
 * The stack as an engine deploys it. `added` hears the services whose identity key was made
 * now (and written to the store beside the stack file, which the user should commit).
 */
export async function forEngine(stack: Stack, env: Env = process.env, added?: (services: readonly string[]) => void): Promise<Stack> {
  const path = join(stack.dir, STORE_FILE);
  let store: SecretStore;
  try {
    store = await SecretStore.open(path, env);
  } catch (err) {
    throw new TargetError('unreadable-source', err instanceof Error ? err.message : String(err), { cause: err });
  }
  const secrets: Record<string, ValueSource> = { ...stack.secrets };
  try {
    for (const [name, src] of Object.entries(stack.secrets)) {
      if (src.kind === 'external' && store.has(src.name)) secrets[name] = { kind: 'content', content: store.get(src.name).toString('utf8') };
    }
    const publics: JWK[] = [];
    const privates = new Map<string, string>();
    const made: string[] = [];
    for (const service of Object.keys(stack.services)) {
      let jwk: JWK;
      if (store.has(storeName(service))) jwk = JSON.parse(store.get(storeName(service)).toString('utf8')) as JWK;
      else {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        const raw = await exportJWK(privateKey);
        jwk = { ...raw, alg: 'ES256', kid: `${service}.${(await calculateJwkThumbprint(raw)).slice(0, 8)}` };
        await store.set(storeName(service), Buffer.from(JSON.stringify(jwk)), env);
        made.push(service);
      }
      const { d: _private, ...pub } = jwk;
      publics.push({ ...pub, use: 'sig' });
      privates.set(service, JSON.stringify(jwk));
    }
    if (made.length > 0) added?.(made);
    for (const [service, key] of privates) secrets[keySecret(service)] = { kind: 'content', content: key };
    const configs: Record<string, ValueSource> = { ...stack.configs, [JWKS_CONFIG]: { kind: 'content', content: JSON.stringify({ keys: publics }) } };
    const services: Record<string, Service> = {};
    for (const [name, s] of Object.entries(stack.services)) services[name] = withIdentity(stack, s);
    return { ...stack, secrets, configs, services };
  } catch (err) {
    if (err instanceof TargetError) throw err;
    throw new TargetError('unreadable-source', `${err instanceof Error ? err.message : String(err)} (the project's secret store ${existsSync(path) ? path : 'is new'})`, { cause: err });
  }
}

function withIdentity(stack: Stack, s: Service): Service {
  const key: FileMount = { source: keySecret(s.name), target: IDENTITY_KEY_PATH, mode: 0o400 };
  const jwks: FileMount = { source: JWKS_CONFIG, target: IDENTITY_JWKS_PATH, mode: 0o444 };
  return {
    ...s,
    secrets: [...s.secrets, key],
    configs: [...s.configs, jwks],
    environment: { ...s.environment, [IDENTITY_ISSUER_VARIABLE]: engineIssuer(stack), [IDENTITY_KEY_VARIABLE]: IDENTITY_KEY_PATH, [IDENTITY_JWKS_VARIABLE]: IDENTITY_JWKS_PATH },
  };
}
