// The server side: implement services, serve them on one port.
export { serve } from './serve.ts';
export type { ServeOptions, Server } from './serve.ts';
export { implement } from './implement.ts';
export type { HandlerContext, UnaryHandler, ServerStreamingHandler, ClientStreamingHandler, BiDiStreamingHandler, ServiceHandlers, ServiceImplementation } from './implement.ts';
