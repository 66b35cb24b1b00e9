// The edge's defaults for what the policies leave unset, each with its reason.

/** 4 MiB: the largest message a gRPC server takes by default, so a body the edge lets in fits one call. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/** 10 minutes: long enough to spare a browser most preflights, short enough that a policy change is seen within a coffee break (Chromium caps it at 2 h). */
export const DEFAULT_CORS_MAX_AGE_MS = 10 * 60 * 1000;

/** What a preflight allows besides the allow-listed headers: the credential, JSON bodies, and the request id. */
export const DEFAULT_CORS_HEADERS: readonly string[] = ['authorization', 'content-type', 'x-request-id'];

/** What a script may read of an answer beyond the safelisted headers: the id to quote, and why a call was refused or must wait. */
export const DEFAULT_CORS_EXPOSE: readonly string[] = ['x-request-id', 'retry-after', 'www-authenticate'];

/** Buckets kept at most (one per client and route): ~100 bytes each, 10 MB at most; the least recently used goes first. */
export const MAX_BUCKETS = 100_000;
