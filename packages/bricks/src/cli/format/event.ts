// One platform event as a line of `bricks up`'s output; null for events too small to show.
import type { PlatformEvent } from '../../platform/api/contract/index.ts';
import { color } from './color.ts';

export function describeEvent(e: PlatformEvent): string | null {
  const tag = color.bold('bricks');
  switch (e.type) {
    case 'replica-started':
      return `${tag} ${e.replica} started (pid ${e.pid}, port ${e.port})`;
    case 'replica-ready':
      return `${tag} ${e.replica} ${color.green('ready')}`;
    case 'replica-unready':
      return `${tag} ${e.replica} ${color.yellow('not ready')}: ${e.detail}`;
    case 'replica-stopping':
      return `${tag} ${e.replica} stopping (${e.reason})`;
    case 'replica-exited':
      return e.expected
        ? `${tag} ${e.replica} stopped`
        : `${tag} ${e.replica} ${color.red('exited')} ${e.signal ?? `code ${e.code}`}`;
    case 'replica-failed-to-start':
      return `${tag} ${e.replica} ${color.red('failed to start')}: ${e.error}`;
    case 'service-condition':
      return `${tag} ${e.service} is ${e.condition}`;
    case 'scaled':
      return `${tag} ${e.service} scaled to ${e.replicas}: ${e.reason}`;
    case 'platform':
      return `${tag} platform ${e.state}`;
    case 'proxy':
      return `${tag} ${e.service} proxy: ${e.detail}`;
    case 'rollout':
      return `${tag} ${e.service} rollout ${e.state === 'completed' ? color.green('completed') : color.red(e.state)}${e.reason === null ? '' : `: ${e.reason}`}`;
    case 'release':
      return `${tag} release #${e.id} (${e.sha.slice(0, 12)}) ${e.state}${e.services.length > 0 ? ` [${e.services.join(', ')}]` : ''}${e.detail ? `: ${e.detail}` : ''}`;
    case 'restarting':
      return `${tag} ${e.service} restarting`;
    case 'service-removed':
      return `${tag} ${e.service} removed`;
    case 'replica-starting':
    case 'routes':
      return null;
  }
}
