// What `bricks up` (and `dev`, `deploy`) add to "X is crash-looping" or a failed rollout: the
// last lines a failing service's replica printed, from the daemon's log collector, and what to do
// about them when they show a known cause (diagnose.ts). A build error gets the same advice.
import type { ApiClient } from '../../platform/api/client.ts';
import type { LogLine } from '../../platform/api/contract/index.ts';
import { diagnose } from './diagnose.ts';
import type { StartFailureHint } from './diagnose.ts';

/** Lines read per service: enough to reach the error above a long stack trace. */
const READ = 200;
/** Lines shown per service, stack frames aside. */
const SHOWN = 12;
const FRAME = /^\s+at\s/;

/** A paragraph per service that printed anything; '' when none did (or the logs cannot be read). */
export async function explainServices(api: ApiClient, services: readonly string[], projectDir: string): Promise<string> {
  const parts: string[] = [];
  for (const service of services) {
    const lines = await api.logs({ services: [service], tail: READ }).catch(() => [] as readonly LogLine[]);
    const part = explainOutput(lines, projectDir);
    if (part !== '') parts.push(part);
  }
  return parts.join('\n');
}

/** The last replica's last lines (stack frames folded) and the advice they give. Exported for tests. */
export function explainOutput(lines: readonly LogLine[], projectDir: string): string {
  const last = lines[lines.length - 1];
  if (last === undefined) return '';
  const own = lines.filter((l) => l.replica === last.replica).map((l) => l.line);
  while (own.length > 0 && (own[own.length - 1] ?? '').trim() === '') own.pop();
  const shown: string[] = [];
  let frames = 0;
  for (const line of own.slice().reverse()) {
    if (FRAME.test(line)) {
      frames++;
      continue;
    }
    if (frames > 0) shown.push(`    … ${frames} stack frame${frames === 1 ? '' : 's'}`);
    frames = 0;
    if (shown.length >= SHOWN) break;
    shown.push(line);
  }
  return [`${last.replica} printed, last:`, ...shown.reverse().map((l) => `  | ${l}`), ...advice(diagnose(own, projectDir))].join('\n');
}

/** A build's error message with the advice its text gives, if any. */
export function explainBuildError(message: string, projectDir: string): string {
  return [message, ...advice(diagnose(message.split('\n'), projectDir))].join('\n');
}

function advice(hints: readonly StartFailureHint[]): string[] {
  return hints.map((h) => `what to do: ${h.advice}`);
}
