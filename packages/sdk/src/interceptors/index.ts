// Interceptors around client and server calls, and the values they hand to the layers inside.
export { chain } from './interceptor.ts';
export type { Interceptor, Next, Call, UnaryCall, StreamCall, Reply, UnaryReply, StreamReply } from './interceptor.ts';
export { callKey } from '../context/call-values.ts';
export type { CallKey, CallValues } from '../context/call-values.ts';
