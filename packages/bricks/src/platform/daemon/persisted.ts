// What the daemon keeps across restarts, in `.bricks/state.json` (atomic writes): the stable
// service addresses, the control API's port and the scale set by `bricks scale`. Everything else is observed anew.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { portIsFree } from '../runtime/index.ts';

export interface PersistedState {
  readonly version: 1;
  /** service → loopback port of its service address. */
  readonly addresses: Readonly<Record<string, number>>;
  /** service → replicas set by `bricks scale` (overrides deploy.replicas until the next deploy). */
  readonly scale: Readonly<Record<string, number>>;
  /**
   * The control API's port, tried first on the next start: a Prometheus pointed at the http_sd
   * URL (`bricks prometheus-config`) keeps finding the stack across daemon restarts.
   */
  readonly apiPort?: number;
}

export const EMPTY_STATE: PersistedState = { version: 1, addresses: {}, scale: {} };

export async function readPersisted(file: string): Promise<PersistedState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return EMPTY_STATE;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PersistedState>;
    return { version: 1, addresses: parsed.addresses ?? {}, scale: parsed.scale ?? {}, ...(typeof parsed.apiPort === 'number' ? { apiPort: parsed.apiPort } : {}) };
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${String(err)}); remove it to start from scratch`, { cause: err });
  }
}

export function writePersisted(file: string, state: PersistedState): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Default first port of service addresses; `x-bricks.base_port` at the top of the stack file changes it. */
export const DEFAULT_BASE_PORT = 7100;

/**
 * Gives every service a stable port: the one it had before if there was one, else the next
 * free port from the base. A port remembered but now taken by someone else is a hard error:
 * silently moving a service address would break every client configured with it.
 */
export async function assignAddresses(
  services: readonly string[],
  remembered: Readonly<Record<string, number>>,
  basePort: number,
  isFree: (port: number) => Promise<boolean> = (p) => portIsFree(p),
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const used = new Set(Object.values(remembered));
  for (const name of services) {
    const port = remembered[name];
    if (port !== undefined) {
      if (!(await isFree(port))) {
        throw new Error(
          `service address port ${port} of '${name}' is in use by another program; stop it, or remove '${name}' from .bricks/state.json to pick a new port`,
        );
      }
      out[name] = port;
    }
  }
  let next = basePort;
  for (const name of services) {
    if (out[name] !== undefined) continue;
    while (used.has(next) || !(await isFree(next))) next++;
    out[name] = next;
    used.add(next);
    next++;
  }
  return out;
}
