// What Swarm says about a stack's services and tasks, read through the docker client.
import { docker, jsonLines } from '../docker/cli.ts';
import type { DockerRunner } from '../docker/cli.ts';

export interface ServiceState {
  readonly id: string;
  /** Without the stack prefix. */
  readonly name: string;
  readonly image: string;
  /** Running tasks (healthy ones, where there is a healthcheck). */
  readonly running: number;
  /** For a global service, the number of nodes it should run on (from `docker service ls`). */
  readonly desired: number | null;
  /** Swarm's UpdateStatus.State: `updating`, `completed`, `paused`, `rollback_*`; null = never updated. */
  readonly updateState: string | null;
  readonly updateMessage: string | null;
  /** When the last rolling update started; a new update has a new one. */
  readonly updateStartedAt: string | null;
  /** The task template: when a deploy changes it, Swarm replaces the service's tasks. */
  readonly taskSpecJson: string;
}

export interface Task {
  readonly id: string;
  /** `stack_service.slot`. */
  readonly name: string;
  readonly service: string;
  readonly image: string;
  readonly node: string;
  readonly desiredState: string;
  readonly currentState: string;
  readonly error: string;
  readonly ports: string;
}

interface InspectJson {
  ID: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
  };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
}

interface LsJson {
  ID: string;
  Replicas: string;
}

const namespaceLabel = 'com.docker.stack.namespace';

export function shortName(stack: string, full: string): string {
  return full.startsWith(`${stack}_`) ? full.slice(stack.length + 1) : full;
}

/** The stack's services, by short name. */
export async function readServices(run: DockerRunner, stack: string, signal?: AbortSignal): Promise<Map<string, ServiceState>> {
  const sig = signal ? { signal } : {};
  const ls = jsonLines<LsJson>(await docker(run, ['service', 'ls', '--filter', `label=${namespaceLabel}=${stack}`, '--format', '{{json .}}'], sig));
  const out = new Map<string, ServiceState>();
  if (ls.length === 0) return out;
  const inspected = JSON.parse(await docker(run, ['service', 'inspect', ...ls.map((s) => s.ID)], sig)) as InspectJson[];
  for (const s of inspected) {
    const replicas = ls.find((l) => s.ID.startsWith(l.ID))?.Replicas ?? '0/0';
    const m = /^(\d+)\/(\d+)/.exec(replicas);
    const running = Number(m?.[1] ?? 0);
    const name = shortName(stack, s.Spec.Name);
    out.set(name, {
      id: s.ID,
      name,
      image: (s.Spec.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
      running,
      desired: s.Spec.Mode?.Global ? (m ? Number(m[2]) : null) : (s.Spec.Mode?.Replicated?.Replicas ?? 1),
      updateState: s.UpdateStatus?.State ?? null,
      updateMessage: s.UpdateStatus?.Message ?? null,
      updateStartedAt: s.UpdateStatus?.StartedAt ?? null,
      taskSpecJson: JSON.stringify(s.Spec.TaskTemplate ?? {}),
    });
  }
  return out;
}

interface PsJson {
  ID: string;
  Name: string;
  Image: string;
  Node: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
  Ports: string;
}

/** Every task of the stack, newest first per slot, as `docker stack ps --no-trunc` lists them. */
export async function readTasks(run: DockerRunner, stack: string, signal?: AbortSignal): Promise<Task[]> {
  const out = await docker(run, ['stack', 'ps', '--no-trunc', '--format', '{{json .}}', stack], signal ? { signal } : {});
  return jsonLines<PsJson>(out).map((t) => ({
    id: t.ID,
    // Older tasks of a slot are listed as ` \_ name`.
    name: t.Name.replace(/^[\s\\_]+/, ''),
    service: shortName(stack, t.Name.replace(/^[\s\\_]+/, '').replace(/\.[^.]+$/, '')),
    image: t.Image.replace(/@sha256:[0-9a-f]+$/, ''),
    node: t.Node,
    desiredState: t.DesiredState,
    currentState: t.CurrentState,
    // With --no-trunc docker prints the error quoted.
    error: t.Error.replace(/^"(.*)"$/s, '$1'),
    ports: t.Ports,
  }));
}
