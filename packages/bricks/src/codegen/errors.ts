// The codegen layer's one error class: a closed set of codes, each message naming what was
// wrong and what to do next, the original failure kept as `cause`.
import { CodedError } from '../util/coded-error.ts';

export type CodegenErrorCode =
  /** The project has no `proto/` folder (and no buf configuration that names its inputs), or it holds no .proto file. */
  | 'no-protos'
  /** @bufbuild/buf or @bufbuild/protoc-gen-es cannot be resolved from the project. */
  | 'tools-missing'
  /** The project's buf.gen.yaml cannot be read, or is not a buf generation template. */
  | 'template-invalid'
  /** buf rejected the protos; the message lists buf's `file:line:col: problem` lines. */
  | 'proto-invalid'
  /** buf or a plugin failed otherwise, or reading or writing files failed. */
  | 'failed';

export class CodegenError extends CodedError<CodegenErrorCode> {
  override readonly name = 'CodegenError';

  /** Wraps anything thrown below the codegen layer; a CodegenError passes through unchanged. */
  static from(err: unknown): CodegenError {
    if (err instanceof CodegenError) return err;
    return new CodegenError('failed', err instanceof Error ? err.message : String(err), { cause: err });
  }
}
