// A service's rolling-update settings, from `deploy.update_config` (Swarm's keys) and
// `x-bricks.update.ready_timeout`, with local defaults that say why they differ from Swarm's.
import { parseDuration } from '../../stack/index.ts';
import type { Service } from '../../stack/model.ts';
import type { UpdatePolicy } from '../reconciler/index.ts';

export const LOCAL_UPDATE_DEFAULTS: UpdatePolicy = {
  parallelism: 1,
  delayMs: 0,
  // Swarm's default is stop-first. Locally start-first: a laptop has room for one more
  // replica, and the service keeps its full capacity through the update.
  order: 'start-first',
  // Swarm watches each task for 5 s. Locally a new replica is already gated by readiness; 1 s
  // after the last one is ready catches a version that dies right after it starts.
  monitorMs: 1_000,
  maxFailureRatio: 0,
  // Swarm pauses by default. Locally the previous release is one step away, so a broken
  // version is rolled back at once instead of leaving the stack half-updated.
  failureAction: 'rollback',
  // A replica that is not ready in 30 s is not coming (Kubernetes' default startup budget).
  readyTimeoutMs: 30_000,
};

function durationOr(value: unknown, fallback: number): number {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.ms : fallback;
}

export function updatePolicy(s: Service): UpdatePolicy {
  const deploy = s.compose.deploy as { update_config?: Record<string, unknown> } | undefined;
  const cfg = deploy?.update_config ?? {};
  const bricks = (s.bricks.update ?? {}) as Record<string, unknown>;
  const d = LOCAL_UPDATE_DEFAULTS;
  const parallelism = typeof cfg.parallelism === 'number' ? cfg.parallelism : d.parallelism;
  const action = cfg.failure_action;
  return {
    // Swarm: 0 means all at once.
    parallelism: parallelism === 0 ? Number.MAX_SAFE_INTEGER : parallelism,
    delayMs: durationOr(cfg.delay, d.delayMs),
    order: cfg.order === 'stop-first' ? 'stop-first' : cfg.order === 'start-first' ? 'start-first' : d.order,
    monitorMs: durationOr(cfg.monitor, d.monitorMs),
    maxFailureRatio: typeof cfg.max_failure_ratio === 'number' ? cfg.max_failure_ratio : d.maxFailureRatio,
    failureAction: action === 'pause' || action === 'rollback' || action === 'continue' ? action : d.failureAction,
    readyTimeoutMs: durationOr(bricks.ready_timeout, d.readyTimeoutMs),
  };
}
