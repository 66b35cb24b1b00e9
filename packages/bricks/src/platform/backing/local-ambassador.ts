// What a replica of an ambassador runs on the local target: bricks' own forwarding program
// (ambassador.mjs), with the service's remote, policy and credential as arguments.
import { SECRETS_DIR_VARIABLE } from '@bricks/sdk/platform-env';
import type { AmbassadorSpec, Command, Service } from '../../stack/model.ts';
import { isSourceCheckout, PREBUILT_AMBASSADOR } from '../../../bin/package-layout.js';
import { packagePath } from '../../util/package-root.ts';
import { localTarget } from '../secrets/replica-files.ts';

export const AMBASSADOR = isSourceCheckout(packagePath()) ? packagePath('src', 'platform', 'backing', 'ambassador.mjs') : packagePath(PREBUILT_AMBASSADOR);

/**
 * The ambassador's arguments for a target: the credential's file is `secretFile` (absolute on an
 * engine, where secrets are mounted; relative to the replica's secrets folder locally).
 */
export function ambassadorArgs(service: Service, a: AmbassadorSpec, secretFile: (target: string) => string): string[] {
  const args = ['--name', service.name, '--url', a.url];
  if (a.timeoutMs !== undefined) args.push('--timeout-ms', String(a.timeoutMs));
  if (a.retries !== undefined) args.push('--retries', String(a.retries));
  const c = a.credential;
  const mount = c === undefined ? undefined : service.secrets.find((m) => m.source === c.secret);
  if (c !== undefined && mount !== undefined) {
    args.push('--header', c.header, '--secret-file', secretFile(mount.target));
    if (c.scheme !== undefined) args.push('--scheme', c.scheme);
  }
  return args;
}

export function localAmbassadorCommand(service: Service, a: AmbassadorSpec): Command {
  return { kind: 'argv', argv: [process.execPath, AMBASSADOR, ...ambassadorArgs(service, a, localTarget), '--secrets-dir-variable', SECRETS_DIR_VARIABLE] };
}
