// The base of every layer's error class: a code from that layer's closed set, a message that
// says what to do next, and the original failure kept as `cause`. Each layer declares its own
// subclass (`class RuntimeError extends CodedError<RuntimeErrorCode>`), so `instanceof` still
// tells the layers apart.
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
