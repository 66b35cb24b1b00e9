// Which engine a command acts on: `--target local|swarm|kubernetes`, checked per command.
import { CliError } from './errors.ts';

export type TargetName = 'local' | 'swarm' | 'kubernetes';
const TARGETS: readonly TargetName[] = ['local', 'swarm', 'kubernetes'];

/** Checks `--target` against the targets a command supports. */
export function parseTarget(value: unknown, allowed: readonly TargetName[], command: string): TargetName {
  const v = typeof value === 'string' ? value : 'local';
  const target = TARGETS.find((t) => t === v);
  if (target === undefined || !allowed.includes(target)) {
    const hint = target === 'kubernetes' ? '; for Kubernetes, `bricks manifests --target kubernetes -o DIR` writes the files to apply' : '';
    throw new CliError('usage', `bricks ${command} --target: "${v}" is not one of ${allowed.join(', ')}${hint}`);
  }
  return target;
}
