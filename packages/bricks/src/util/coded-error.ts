// The base of every layer's error class: a code from that layer's closed set, a message that
// says what to do next, and the original failure kept as `cause`. Each layer declares its own
// subclass (`class RuntimeError extends CodedError<RuntimeErrorCode>`), so `instanceof` still
// tells the layers apart, and gives it a static `from(err, code = <its catch-all>)` for its
// boundary: one of its own passes through, anything else is wrapped. coded-error.test.ts
// checks that every error class in the package does both.

export interface CodedErrorOptions {
  readonly cause?: unknown;
}

export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: CodedErrorOptions,
  ) {
    // No `cause` property at all rather than one that is undefined: inspect() would print it.
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  /**
   * The body of a subclass's `from`: `err` itself when it is one of `this` class already, else
   * a new one with `code` and the message of `err`, which it keeps as its cause.
   */
  protected static wrap<C extends string, E extends CodedError<C>>(
    this: new (code: C, message: string, options?: CodedErrorOptions) => E,
    err: unknown,
    code: C,
  ): E {
    return err instanceof this ? err : new this(code, messageOf(err), { cause: err });
  }
}

/** What a wrapped failure says: its own message, or what it is when it is not an Error. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
