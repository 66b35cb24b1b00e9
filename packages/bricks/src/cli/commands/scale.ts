// `bricks scale svc=N ...` and `bricks restart svc ...`.
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { CliError } from '../errors.ts';

export function parseScaleArgs(args: readonly string[]): { service: string; replicas: number }[] {
  if (args.length === 0) throw new CliError('usage', 'bricks scale needs SERVICE=REPLICAS, for example `bricks scale catalog=3`');
  return args.map((arg) => {
    const m = /^([^=]+)=(\d+)$/.exec(arg);
    if (m === null) throw new CliError('usage', `'${arg}' is not SERVICE=REPLICAS (a whole number ≥ 0), for example catalog=3`);
    return { service: m[1] ?? '', replicas: Number(m[2]) };
  });
}

export async function scale(args: readonly string[], options: GlobalOptions): Promise<void> {
  const wanted = parseScaleArgs(args);
  const api = await clientOf(options);
  for (const w of wanted) {
    await api.scale(w).catch((e: unknown) => Promise.reject(fromApi(e)));
    console.log(`${w.service} scaled to ${w.replicas}`);
  }
}

export async function restart(services: readonly string[], options: GlobalOptions): Promise<void> {
  if (services.length === 0) throw new CliError('usage', 'bricks restart needs at least one service name');
  const api = await clientOf(options);
  for (const service of services) {
    await api.restart({ service }).catch((e: unknown) => Promise.reject(fromApi(e)));
    console.log(`${service}: rolling restart started`);
  }
}
