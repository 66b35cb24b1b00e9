// What a service author writes: handlers for the methods of a generated service descriptor.
import type { DescMessage, DescMethodUnary, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { Identity } from '../auth/identity.ts';

/** What a handler knows about the call it serves. */
export interface HandlerContext {
  /** Aborts when the caller cancels or the deadline passes; pass it to anything slow. */
  readonly signal: AbortSignal;
  /** Absolute deadline (epoch ms). Calls made inside the handler inherit it on their own. */
  readonly deadline: number;
  readonly requestHeaders: Headers;
  /** Sent back with the response. */
  readonly responseHeaders: Headers;
  /** `package.Service/Method`. */
  readonly method: string;
  /** How the call arrived. */
  readonly transport: 'connect' | 'fast' | 'in-process';
  /**
   * Who called, verified: `user` from a bearer token checked against x-bricks.auth's issuer,
   * `service` from the platform's identity token (or this process, for a co-located call).
   */
  readonly identity: Identity;
}

export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  ctx: HandlerContext,
) => Promise<MessageInitShape<O>> | MessageInitShape<O>;

/** Handlers for a service's unary methods, by their generated (lowerCamel) names. */
export type ServiceHandlers<S extends DescService> = {
  [K in keyof S['method']]: S['method'][K] extends DescMethodUnary<infer I, infer O> ? UnaryHandler<I, O> : never;
};

export interface ServiceImplementation {
  readonly service: DescService;
  readonly handlers: Readonly<Record<string, UnaryHandler<DescMessage, DescMessage>>>;
}

/**
 * Pairs a service descriptor with its handlers. Methods left out answer `unimplemented`.
 * Only unary methods are supported (streaming is out of the SDK's scope for now).
 */
export function implement<S extends DescService>(service: S, handlers: Partial<ServiceHandlers<S>>): ServiceImplementation {
  for (const m of service.methods) {
    if (m.methodKind !== 'unary' && (handlers as Record<string, unknown>)[m.localName] !== undefined) {
      throw new TypeError(`${service.typeName}.${m.name}: only unary methods are supported`);
    }
  }
  return { service, handlers: handlers as Record<string, UnaryHandler<DescMessage, DescMessage>> };
}
