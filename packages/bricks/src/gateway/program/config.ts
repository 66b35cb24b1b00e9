// The gateway program's configuration, one contract for both sides: the platform writes it into
// BRICKS_GATEWAY from the stack's x-bricks.gateway (with the descriptor set's path as the replica
// sees it: a file of the project locally, one inside the image on Swarm and Kubernetes), and the
// program reads it back here.
import { z } from 'zod';
import type { GatewaySpec } from '../../stack/model.ts';
import { GatewayError } from '../errors.ts';

export const gatewayConfigSchema = z
  .object({
    /** A FileDescriptorSet with its imports (`buf build -o`), readable by the replica. */
    descriptors: z.string().min(1),
    /** The services to serve, fully qualified; absent = every service of the set with an HTTP rule. */
    services: z.array(z.string().min(1)).min(1).optional(),
    /**
     * The edge policies as the stack file wrote them. Opaque here: the edge (gateway/edge/) owns
     * their schema and checks them; the program only hands them over (edge-hook.ts).
     */
    policies: z.unknown().optional(),
  })
  .strict();

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** The program's configuration for a stack's x-bricks.gateway, with the set at `descriptors` as the replica sees it. */
export function gatewayConfigOf(spec: GatewaySpec, descriptors: string): GatewayConfig {
  return {
    descriptors,
    ...(spec.services === undefined ? {} : { services: [...spec.services] }),
    ...(spec.policies === undefined ? {} : { policies: spec.policies }),
  };
}

export function encodeGatewayConfig(config: GatewayConfig): string {
  return JSON.stringify(config);
}

/** Reads BRICKS_GATEWAY's value; what is wrong is a GatewayError('config-invalid') naming it. */
export function parseGatewayConfig(text: string | undefined, variable: string): GatewayConfig {
  if (text === undefined || text === '') throw new GatewayError('config-invalid', `${variable} is not set: the gateway program serves the descriptor set it names (the platform sets it from x-bricks.gateway)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayError('config-invalid', `${variable} is not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = gatewayConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`);
  throw new GatewayError('config-invalid', `${variable}: ${problems.join('; ')}`, { cause: parsed.error });
}
