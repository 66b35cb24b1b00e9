// What the Swarm autoscaler needs of Docker: the stack's autoscaled services, their running
// tasks' addresses, and a way to set a service's replicas. A narrow port, so the loop is tested
// with a fake; dockerApi() speaks the Engine API over the manager's socket.
import { request } from 'node:http';
import type { AutoscalePolicy } from '../../../platform/reconciler/autoscale.ts';
import { SWARM_LABELS } from '../labels.ts';
import { decodePolicy } from './policy.ts';

export interface ScaledService {
  readonly id: string;
  /** The bricks service (its label), for logs. */
  readonly service: string;
  /** Replicas the service is set to run now. */
  readonly replicas: number;
  readonly policy: AutoscalePolicy;
  readonly metricsPort: number;
  readonly metricsPath: string;
  /** The network whose address of each task the autoscaler scrapes. */
  readonly network: string;
}

export interface TaskAddress {
  readonly task: string;
  readonly address: string;
}

export interface SwarmApi {
  autoscaledServices(stack: string): Promise<ScaledService[]>;
  runningTasks(serviceId: string, network: string): Promise<TaskAddress[]>;
  scale(serviceId: string, replicas: number): Promise<void>;
}

/** Where the Engine API listens on a manager; the stack mounts it into the autoscaler's task. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

interface ApiReply {
  readonly status: number;
  readonly body: string;
}

function call(socketPath: string, method: string, path: string, body?: unknown): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      socketPath, method, path,
      headers: data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      // An Engine API call on a healthy manager takes milliseconds; a hung one must not stall the loop.
      timeout: 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker API ${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

async function json<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call(socketPath, method, path, body);
  if (r.status < 200 || r.status >= 300) throw new Error(`docker API ${method} ${path}: ${r.status} ${r.body.trim()}`);
  return (r.body === '' ? null : JSON.parse(r.body)) as T;
}

interface ApiService {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Name: string; readonly Labels?: Record<string, string>; readonly Mode?: { readonly Replicated?: { readonly Replicas?: number } } };
}

interface ApiTask {
  readonly ID: string;
  readonly Status?: { readonly State?: string };
  readonly NetworksAttachments?: readonly { readonly Network?: { readonly Spec?: { readonly Name?: string } }; readonly Addresses?: readonly string[] }[];
}

const filters = (f: Record<string, string[]>): string => `filters=${encodeURIComponent(JSON.stringify(f))}`;

export function dockerApi(socketPath = DOCKER_SOCKET): SwarmApi {
  return {
    async autoscaledServices(stack) {
      const list = await json<ApiService[]>(socketPath, 'GET', `/services?${filters({ label: [`${SWARM_LABELS.stack}=${stack}`, SWARM_LABELS.autoscale] })}`);
      return list.flatMap((s) => {
        const labels = s.Spec.Labels ?? {};
        const port = Number(labels[SWARM_LABELS.metricsPort]);
        const replicas = s.Spec.Mode?.Replicated?.Replicas;
        // A global service, or one that serves no metrics, has nothing to scale or to read.
        if (replicas === undefined || !Number.isInteger(port)) return [];
        return [{
          id: s.ID,
          service: labels[SWARM_LABELS.service] ?? s.Spec.Name,
          replicas,
          policy: decodePolicy(s.Spec.Name, labels[SWARM_LABELS.autoscale] ?? ''),
          metricsPort: port,
          metricsPath: labels[SWARM_LABELS.metricsPath] ?? '/metrics',
          network: labels[SWARM_LABELS.metricsNetwork] ?? '',
        }];
      });
    },
    async runningTasks(serviceId, network) {
      const tasks = await json<ApiTask[]>(socketPath, 'GET', `/tasks?${filters({ service: [serviceId], 'desired-state': ['running'] })}`);
      return tasks.flatMap((t) => {
        if (t.Status?.State !== 'running') return [];
        const on = t.NetworksAttachments?.find((n) => n.Network?.Spec?.Name === network);
        const address = on?.Addresses?.[0]?.split('/')[0];
        return address === undefined ? [] : [{ task: t.ID, address }];
      });
    },
    async scale(serviceId, replicas) {
      // What `docker service scale` does: the current spec with a new count, at its version (a
      // concurrent update makes this one fail, and the next round tries again).
      const s = await json<ApiService>(socketPath, 'GET', `/services/${encodeURIComponent(serviceId)}`);
      const spec = { ...s.Spec, Mode: { Replicated: { Replicas: replicas } } };
      await json(socketPath, 'POST', `/services/${encodeURIComponent(serviceId)}/update?version=${s.Version.Index}`, spec);
    },
  };
}
