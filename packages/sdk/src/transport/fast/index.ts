// The fast transport between two bricks SDK peers: multiplexed unary and streaming calls over TCP with
// deadlines, cancellation, back-pressure and graceful GOAWAY. Wire format: see frame.ts.
export { FAST_PREAMBLE, isFastPreamble } from './preamble.ts';
export { FastClient } from './client.ts';
export type { FastClientOptions } from './client.ts';
export type { FastCallOptions, FastReply } from './client-connection.ts';
export type { FastClientStream } from './client-flow.ts';
export { FastServer } from './server.ts';
export type { FastServerOptions } from './server.ts';
export type { FastHandler, FastCallContext } from './server-connection.ts';
export type { FastStreamHandler, FastStreamCall } from './server-flow.ts';
export { FastError, FastCode, isFastCode } from './errors.ts';

// For tests and benchmarks, and for a service that owns its listener.
export { listenFast } from './listen.ts';
export type { FastListener } from './listen.ts';
