// What the platform tells the world: the event stream of `bricks up`, the API and the dashboard.
import type { ServiceCondition, StopReason } from './reconciler/index.ts';

export type PlatformEvent =
  | { readonly type: 'replica-starting'; readonly service: string; readonly replica: string; readonly at: number }
  | { readonly type: 'replica-started'; readonly service: string; readonly replica: string; readonly pid: number; readonly port: number; readonly at: number }
  | { readonly type: 'replica-ready'; readonly service: string; readonly replica: string; readonly at: number }
  | { readonly type: 'replica-unready'; readonly service: string; readonly replica: string; readonly detail: string; readonly at: number }
  | { readonly type: 'replica-stopping'; readonly service: string; readonly replica: string; readonly reason: StopReason; readonly at: number }
  | {
      readonly type: 'replica-exited';
      readonly service: string;
      readonly replica: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly expected: boolean;
      readonly at: number;
    }
  | { readonly type: 'replica-failed-to-start'; readonly service: string; readonly replica: string; readonly error: string; readonly at: number }
  | { readonly type: 'service-condition'; readonly service: string; readonly condition: ServiceCondition; readonly at: number }
  | { readonly type: 'routes'; readonly service: string; readonly endpoints: readonly string[]; readonly at: number }
  | { readonly type: 'scaled'; readonly service: string; readonly replicas: number; readonly at: number }
  | { readonly type: 'restarting'; readonly service: string; readonly at: number }
  | { readonly type: 'service-removed'; readonly service: string; readonly at: number }
  | {
      readonly type: 'rollout';
      readonly service: string;
      readonly version: string;
      readonly state: 'completed' | 'paused' | 'failed';
      readonly reason: string | null;
      readonly at: number;
    }
  | {
      readonly type: 'release';
      readonly id: number;
      readonly sha: string;
      readonly state: 'building' | 'rolling' | 'completed' | 'failed' | 'rolled-back' | 'unchanged';
      readonly services: readonly string[];
      readonly detail: string;
      readonly at: number;
    }
  | { readonly type: 'proxy'; readonly service: string; readonly detail: string; readonly at: number }
  | { readonly type: 'platform'; readonly state: 'up' | 'stopping' | 'down'; readonly at: number };

export type Listener<T> = (value: T) => void;

/** A minimal fan-out with a bounded history, so a late subscriber sees recent events. */
export class EventBus<T> {
  private readonly listeners = new Set<Listener<T>>();
  private readonly recent: T[] = [];

  constructor(private readonly keep = 200) {}

  emit(value: T): void {
    this.recent.push(value);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const l of this.listeners) l(value);
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  history(): readonly T[] {
    return this.recent;
  }
}
