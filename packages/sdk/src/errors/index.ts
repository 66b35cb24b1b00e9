// Errors: one class, a closed set of codes mapped to gRPC status numbers.
export { BricksError } from './bricks-error.ts';
export type { BricksErrorOptions } from './bricks-error.ts';
export { codes, codeToGrpc, codeFromGrpc, isErrorCode } from './code.ts';
export type { ErrorCode } from './code.ts';
export { NOT_STARTED_HEADER } from './not-started.ts';
