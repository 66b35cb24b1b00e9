// Restart policy: `deploy.restart_policy` (Swarm's form) wins; else the service-level
// `restart` (docker run's form) is translated; else the local default below.
import type { RestartCondition, RestartPolicy } from './model.ts';

/**
 * When the file says nothing. Compose's own default is `restart: no`, but bricks is a
 * self-healing platform, so a replica that dies is restarted (condition any) quickly (100ms,
 * doubling to 10s so a crash loop does not spin a laptop's CPU); a run of 10s counts as
 * healthy again and resets the back-off.
 */
export const LOCAL_RESTART: RestartPolicy = {
  condition: 'any',
  delayMs: 100,
  maxDelayMs: 10_000,
  maxAttempts: null,
  windowMs: 10_000,
};

export interface RestartPolicySpec {
  condition?: RestartCondition;
  delayMs?: number;
  /** 0 means unlimited, as in Swarm. */
  maxAttempts?: number;
  windowMs?: number;
}

/** The service-level `restart` value: no | always | unless-stopped | on-failure[:max]. */
export type RestartSpec = { condition: RestartCondition; maxAttempts?: number };

export function parseRestart(value: string): RestartSpec | undefined {
  switch (value) {
    case 'no':
      return { condition: 'none' };
    case 'always':
    case 'unless-stopped': // "unless stopped by hand": the platform only stops replicas on purpose
      return { condition: 'any' };
    case 'on-failure':
      return { condition: 'on-failure' };
    default: {
      const m = /^on-failure:(\d+)$/.exec(value);
      return m ? { condition: 'on-failure', maxAttempts: Number(m[1]) } : undefined;
    }
  }
}

export function normalizeRestart(policy: RestartPolicySpec | undefined, restart: RestartSpec | undefined): RestartPolicy {
  const src: RestartPolicySpec = policy ?? restart ?? {};
  const delayMs = src.delayMs ?? LOCAL_RESTART.delayMs;
  return {
    condition: src.condition ?? LOCAL_RESTART.condition,
    delayMs,
    // A configured delay above the cap becomes the cap, so back-off never shortens it.
    maxDelayMs: Math.max(LOCAL_RESTART.maxDelayMs, delayMs),
    maxAttempts: src.maxAttempts === undefined || src.maxAttempts === 0 ? null : src.maxAttempts,
    windowMs: src.windowMs ?? LOCAL_RESTART.windowMs,
  };
}
