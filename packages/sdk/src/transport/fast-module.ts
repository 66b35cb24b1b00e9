// The seam to the fast transport (packages/sdk/src/transport/fast), typed here by its published
// contract so the rest of the SDK never depends on its internals. It is imported statically:
// a computed import() would be left out of a service's bundle, and its replicas would then
// answer fast clients with HTTP.
import type { Socket } from 'node:net';
import * as fastTransport from './fast/index.ts';

export interface FastCallOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  headers: Record<string, string>;
}

export interface FastClientStreamLike {
  readonly headers: Promise<Record<string, string>>;
  readonly output: AsyncIterable<Uint8Array>;
  readonly trailers: Record<string, string> | undefined;
  readonly writable: boolean;
  send(payload: Uint8Array): void;
  ready(): Promise<void>;
  end(): void;
  cancel(): void;
}

export interface FastClientLike {
  call(path: string, payload: Uint8Array, opts: FastCallOptions): Promise<{ payload: Uint8Array; headers: Record<string, string> }>;
  stream(path: string, opts: FastCallOptions): FastClientStreamLike;
  close(): Promise<void>;
}

export interface FastStreamCallLike {
  readonly ctx: { signal: AbortSignal; deadline: number; headers: Record<string, string> };
  readonly input: AsyncIterable<Uint8Array>;
  head(headers: Record<string, string> | undefined): void;
  readonly writable: boolean;
  send(payload: Uint8Array): void;
  ready(): Promise<void>;
  finish(trailers: Record<string, string> | undefined): void;
  fail(err: unknown): void;
}

export type FastStreamHandler = (path: string, call: FastStreamCallLike) => void;

export type FastHandler = (
  path: string,
  payload: Uint8Array,
  ctx: { signal: AbortSignal; deadline: number; headers: Record<string, string> },
) => Promise<{ payload: Uint8Array; headers?: Record<string, string> }>;

export interface FastServerLike {
  acceptSocket(socket: Socket, firstChunk: Buffer): void;
  close(graceMs: number): Promise<void>;
}

export interface FastModule {
  readonly FAST_PREAMBLE: Uint8Array;
  isFastPreamble(firstChunk: Uint8Array): boolean;
  readonly FastClient: new (opts: { host: string; port: number; maxConnections?: number }) => FastClientLike;
  readonly FastServer: new (handler: FastHandler, opts?: { streams?: FastStreamHandler }) => FastServerLike;
  readonly FastError: new (code: number, message: string, opts?: { neverSent?: boolean; cause?: unknown }) => Error & { code: number };
}

let loaded: Promise<FastModule | undefined> | undefined;

/** The fast transport, or undefined when it is not (yet) part of this build. */
export function loadFast(): Promise<FastModule | undefined> {
  loaded ??= Promise.resolve(fastTransport as unknown as FastModule);
  return loaded;
}
