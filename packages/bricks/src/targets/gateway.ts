// A gateway on an engine: its image holds bricks' gateway program and the stack's descriptor set
// at these paths (images/gateway-image.ts), and its replicas are told where the set is.
import { GATEWAY_VARIABLE } from '@bricks/sdk/platform-env';
// The contract's own file, not gateway/index.ts: the CLI takes the configuration only.
import { encodeGatewayConfig, gatewayConfigOf } from '../gateway/program/config.ts';
import type { Service } from '../stack/model.ts';

/** The program inside the image. */
export const GATEWAY_IMAGE_PROGRAM = '/app/gateway.mjs';
/** The descriptor set inside the image. */
export const GATEWAY_IMAGE_DESCRIPTORS = '/app/descriptors.binpb';

/** BRICKS_GATEWAY for a gateway's replicas on an engine; nothing for other services. */
export function gatewayEnvironment(service: Service): Record<string, string> {
  const g = service.bricks.gateway;
  return g === undefined ? {} : { [GATEWAY_VARIABLE]: encodeGatewayConfig(gatewayConfigOf(g, GATEWAY_IMAGE_DESCRIPTORS)) };
}
