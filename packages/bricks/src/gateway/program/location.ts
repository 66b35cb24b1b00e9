// Where bricks' gateway program is, and how node runs it: its TypeScript through tsx in a source
// checkout, the file built into dist/ (bundled whole) in an installed bricks.
import { isSourceCheckout, PREBUILT_GATEWAY } from '../../../bin/package-layout.js';
import { packagePath } from '../../util/package-root.ts';

const source = isSourceCheckout(packagePath());

/** The program's file: main.ts in a checkout, dist/gateway.mjs installed. */
export const GATEWAY_PROGRAM_FILE = source ? packagePath('src', 'gateway', 'program', 'main.ts') : packagePath(PREBUILT_GATEWAY);

/** The argv that runs it on this machine. */
export function gatewayProgramArgv(): string[] {
  return source ? [process.execPath, '--import', 'tsx', GATEWAY_PROGRAM_FILE] : [process.execPath, GATEWAY_PROGRAM_FILE];
}
