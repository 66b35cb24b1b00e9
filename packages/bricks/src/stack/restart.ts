// Restart policy: `deploy.restart_policy` (Swarm's form) wins; else the service-level
// `restart` (docker run's form) is translated into it. Unset stays unset: the local platform
// restarts by default (it is self-healing), and each engine applies its own default.
import type { RestartPolicySpec } from './model.ts';

/** The service-level `restart` value: no | always | unless-stopped | on-failure[:max]. */
export function parseRestart(value: string): RestartPolicySpec | undefined {
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
      if (m === null) return undefined;
      const max = Number(m[1]);
      // on-failure:0 is docker's "no limit", which is what unset means.
      return max > 0 ? { condition: 'on-failure', maxAttempts: max } : { condition: 'on-failure' };
    }
  }
}

export function restartSpec(policy: RestartPolicySpec | undefined, restart: RestartPolicySpec | undefined): RestartPolicySpec {
  return policy ?? restart ?? {};
}
