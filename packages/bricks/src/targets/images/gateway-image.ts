// What a gateway's image holds: bricks' gateway program bundled into one file (src/gateway/
// program/main.ts; an installed bricks ships it prebuilt in dist/) and the stack's descriptor
// set, at the paths its replicas are told (../gateway.ts). No artifact of the user's own.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PREBUILT_GATEWAY } from '../../../bin/package-layout.js';
import { TargetError } from '../errors.ts';
import { bricksProgram } from './bricks-program.ts';
import { GATEWAY_IMAGE_DESCRIPTORS, GATEWAY_IMAGE_PROGRAM } from '../gateway.ts';

export interface GatewayProgram {
  readonly code: string;
  /** Of the code: part of the image's key, so a new bricks builds a new image. */
  readonly hash: string;
}

let bundled: Promise<GatewayProgram> | undefined;

/** The program as one file, bundled once per process. */
export function gatewayProgram(): Promise<GatewayProgram> {
  bundled ??= (async () => {
    const code = await bricksProgram('src/gateway/program/main.ts', PREBUILT_GATEWAY, "bricks' gateway program").catch((err: unknown) => {
      throw err instanceof TargetError ? err : new TargetError('build-failed', `bricks' gateway program could not be bundled: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    return { code, hash: createHash('sha256').update(code).digest('hex') };
  })();
  return bundled;
}

/** The command the image runs. */
export const GATEWAY_IMAGE_COMMAND = ['node', GATEWAY_IMAGE_PROGRAM] as const;

/** A build context with the two files at the names the Dockerfile copies; returns its directory. */
export async function gatewayContext(dir: string, program: GatewayProgram, descriptors: string): Promise<string> {
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'gateway.mjs'), program.code);
    await copyFile(descriptors, join(dir, 'descriptors.binpb'));
    return dir;
  } catch (err) {
    throw new TargetError('io', `cannot prepare the gateway's image context in ${dir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The Dockerfile's lines that differ from a service's: what is copied where. */
export const GATEWAY_COPY = [`COPY gateway.mjs ${GATEWAY_IMAGE_PROGRAM}`, `COPY descriptors.binpb ${GATEWAY_IMAGE_DESCRIPTORS}`] as const;
