// Call context (AsyncLocalStorage) and deadlines.
export { currentCall, runInCall } from './call-context.ts';
export type { CallContext } from './call-context.ts';
export { deadlineSignal, abortError } from './deadline.ts';
