// Call context (a variable while a handler runs synchronously, AsyncLocalStorage across awaits) and deadlines.
export { currentCall, runInCall } from './call-context.ts';
export type { CallContext } from './call.ts';
export { deadlineSignal, abortError } from './deadline.ts';
