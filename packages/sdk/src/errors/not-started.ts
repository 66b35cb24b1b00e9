// The response header by which a server says it refused a call before starting it (over its
// concurrency limit): nothing of the call ran, so any method may be tried again, elsewhere or
// later. Servers set it on the refusal (gRPC trailers-only headers, Connect's error response);
// BricksError.from reads it into `unsent`. The fast transport says the same with its refused flag.
export const NOT_STARTED_HEADER = 'bricks-not-started';
