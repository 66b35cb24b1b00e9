// gRPC calls served straight off node:http2 streams, without the compat request/response
// objects or ConnectRPC's universal handler: read the body, decode, invoke, then headers, one
// framed message, trailers. This is where a stock gRPC client's calls spend their time, so the
// unary path allocates only what the wire needs (see bench/rpc). Streaming methods read and
// write message by message, pausing the HTTP/2 stream (and so the peer's window) while the
// handler has not read what came.
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { CancelSource } from '../../context/call-scope.ts';
import { clockNow } from '../../context/clock.ts';
import { BricksError } from '../../errors/index.ts';
import { Inbox } from '../../transport/inbox.ts';
import type { Dispatcher, InvokeResult, Route } from '../dispatcher.ts';
import { NOT_STARTED, REFUSAL_MESSAGE, REFUSED } from '../overload/gate.ts';
import { oneMessage, type OpenStream } from '../stream-call.ts';
import { errorTrailers, frameMessage, GRPC_CONTENT_TYPE, MessageReader, parseTimeout, PREFIX_BYTES, STATUS, TIMEOUT } from './wire.ts';

type Message = MessageShape<DescMessage>;

const RESPONSE_HEADERS: Readonly<Record<string, string | number>> = Object.freeze({ ':status': 200, 'content-type': GRPC_CONTENT_TYPE });
const OK_TRAILERS: Readonly<Record<string, string>> = Object.freeze({ [STATUS]: '0' });
/** A call over the overload limit: trailers-only, made once (a refusal must cost next to nothing). */
const REFUSED_RESPONSE: Readonly<Record<string, string | number>> = Object.freeze({
  ...RESPONSE_HEADERS,
  ...errorTrailers(new BricksError('resource_exhausted', REFUSAL_MESSAGE)),
  ...NOT_STARTED,
});
/** Messages held for a handler that has not read them before the stream is paused (and resumed below half). */
const INBOX_HIGH_WATER = 16; // with 4 MiB messages at most 64 MiB; small messages: a few KiB
const noop = (): void => undefined;

/** The caller's going away, as a signal made only when the handler asks (most never do). */
class StreamCancel implements CancelSource {
  #ac: AbortController | undefined;
  #over = false;

  constructor(private readonly stream: ServerHttp2Stream) {}

  get signal(): AbortSignal {
    if (this.#ac === undefined) {
      const ac = (this.#ac = new AbortController());
      const gone = (): void => {
        if (!this.#over) ac.abort(new BricksError('cancelled', 'the caller went away'));
      };
      if (this.stream.closed || this.stream.destroyed) gone();
      else this.stream.once('close', gone);
    }
    return this.#ac.signal;
  }

  /** Answered: the stream closing is no longer a cancellation. */
  over(): void {
    this.#over = true;
  }
}

export function grpcCalls(dispatcher: Dispatcher): (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void {
  return (stream, headers) => {
    // A reset from the peer is routine; 'close' follows.
    stream.on('error', noop);
    const route = dispatcher.route(headers[':path'] ?? '');
    if (route === undefined) {
      stream.resume();
      trailersOnly(stream, new BricksError('unimplemented', `${(headers[':path'] ?? '').slice(1)} is not served here`));
      return;
    }
    const gate = dispatcher.gate;
    if (gate !== undefined && route.limited) {
      // Admitted or refused on arrival: a refused call's body is neither kept nor decoded.
      const entered = gate.enter();
      if (entered === REFUSED) {
        stream.resume();
        if (!stream.destroyed && !stream.closed) stream.respond(REFUSED_RESPONSE, { endStream: true });
        return;
      }
      // Its place is held until the stream closes (answered, or reset by a caller that left: no sample then).
      stream.once('close', () => gate.leave(entered, stream.rstCode === 0));
    }
    const timeoutMs = parseTimeout(headers[TIMEOUT]);
    const deadline = timeoutMs === undefined ? undefined : clockNow() + timeoutMs;
    const kind = route.method.methodKind;
    switch (kind) {
      case 'unary':
        oneRequest(stream, route, (input) => unary(dispatcher, route, stream, headers, deadline, input));
        return;
      case 'server_streaming':
        oneRequest(stream, route, (input) => answerStream(route, stream, dispatcher.stream(route, oneMessage(input), { deadline, headers: requestRecord(headers), transport: 'grpc' })));
        return;
      case 'client_streaming':
      case 'bidi_streaming':
        streaming(dispatcher, route, stream, headers, deadline);
        return;
      default: {
        const never: never = kind;
        throw new Error(`unhandled method kind ${String(never)}`);
      }
    }
  };
}

/** Reads a body of one message (unary and server-streaming methods) and hands it on decoded. */
function oneRequest(stream: ServerHttp2Stream, route: Route, then: (input: Message) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  stream.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  stream.once('end', () => {
    let input: Message;
    try {
      input = decodeOne(route, more !== undefined ? Buffer.concat(more) : first);
    } catch (e) {
      trailersOnly(stream, e);
      return;
    }
    then(input);
  });
}

function unary(dispatcher: Dispatcher, route: Route, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, deadline: number | undefined, input: Message): void {
  const cancel = new StreamCancel(stream);
  let r: InvokeResult | Promise<InvokeResult>;
  try {
    r = dispatcher.invoke(route, input, { deadline, cancel, headers: requestRecord(headers), transport: 'grpc' });
  } catch (e) {
    trailersOnly(stream, e);
    return;
  }
  if (!(r instanceof Promise)) answer(route, stream, r, cancel);
  else
    r.then(
      (res) => answer(route, stream, res, cancel),
      (e: unknown) => trailersOnly(stream, e),
    );
}

function decodeOne(route: Route, body: Buffer | undefined): Message {
  if (body === undefined || body.length < PREFIX_BYTES) throw new BricksError('internal', 'the request has no message');
  if (body[0] !== 0) throw new BricksError('unimplemented', 'compressed messages are not accepted (grpc-encoding identity only)');
  const length = body.readUInt32BE(1);
  if (length !== body.length - PREFIX_BYTES) throw new BricksError('internal', `the request's message prefix says ${length} bytes, the body has ${body.length - PREFIX_BYTES}`);
  try {
    return fromBinary(route.method.input, body.subarray(PREFIX_BYTES));
  } catch (cause) {
    throw new BricksError('invalid_argument', `cannot decode ${route.method.input.typeName}`, { cause });
  }
}

function answer(route: Route, stream: ServerHttp2Stream, r: InvokeResult, cancel: StreamCancel): void {
  cancel.over();
  if (stream.destroyed || stream.closed) return;
  let frame: Buffer;
  try {
    frame = frameMessage(toBinary(route.method.output, r.output));
  } catch (e) {
    trailersOnly(stream, new BricksError('internal', `${route.name}: the answer could not be encoded`, { cause: e }));
    return;
  }
  const trailers = r.trailers === undefined ? OK_TRAILERS : { ...r.trailers, ...OK_TRAILERS };
  try {
    stream.respond(r.headers === undefined ? RESPONSE_HEADERS : { ...r.headers, ...RESPONSE_HEADERS }, { waitForTrailers: true });
  } catch (e) {
    // Headers http2 will not send (a connection-specific name, say): the handler's mistake.
    trailersOnly(stream, new BricksError('internal', `${route.name}: response headers refused: ${(e as Error).message}`));
    return;
  }
  stream.once('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end(frame);
}

/** An error before anything was sent: status in the only header block (gRPC's trailers-only response). */
function trailersOnly(stream: ServerHttp2Stream, e: unknown): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    endWith(stream, errorTrailers(e));
    return;
  }
  stream.respond({ ...RESPONSE_HEADERS, ...errorTrailers(e) }, { endStream: true });
}

function endWith(stream: ServerHttp2Stream, trailers: Readonly<Record<string, string>>): void {
  stream.once('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end();
}

function streaming(dispatcher: Dispatcher, route: Route, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, deadline: number | undefined): void {
  let paused = false;
  const inbox: Inbox<Message> = new Inbox<Message>({
    onTake: () => {
      if (paused && inbox.size < INBOX_HIGH_WATER / 2) {
        paused = false;
        stream.resume();
      }
    },
  });
  const reader = new MessageReader();
  const onMessage = (m: Buffer): void => {
    try {
      inbox.push(fromBinary(route.method.input, m));
    } catch (cause) {
      inbox.fail(new BricksError('invalid_argument', `cannot decode ${route.method.input.typeName}`, { cause }));
    }
  };
  stream.on('data', (chunk: Buffer) => {
    const err = reader.push(chunk, onMessage);
    if (err !== undefined) inbox.fail(err);
    if (inbox.size >= INBOX_HIGH_WATER && !paused) {
      paused = true;
      stream.pause();
    }
  });
  stream.once('end', () => (reader.leftover > 0 ? inbox.fail(new BricksError('internal', 'the request ended inside a message')) : inbox.end()));
  answerStream(route, stream, dispatcher.stream(route, inbox, { deadline, headers: requestRecord(headers), transport: 'grpc' }));
}

/**
 * Writes a stream's answers as the HTTP/2 stream takes them, then its trailers. The HTTP/2
 * stream closing first is the caller going away: the call is aborted (its handler's signal too).
 */
function answerStream(route: Route, stream: ServerHttp2Stream, s: OpenStream): void {
  let over = false;
  stream.once('close', () => {
    if (!over) s.abort(new BricksError('cancelled', 'the caller went away'));
  });
  const piped = s.pipe({
    send: (m) => {
      // Gone: the call's cancel (the stream's close) ends it; nothing more is asked of the handler.
      if (stream.destroyed || stream.closed) return false;
      if (!stream.headersSent) respondHeaders(stream, s.headers());
      if (stream.write(frameMessage(toBinary(route.method.output, m)))) return true;
      stream.once('drain', () => piped.resume());
      return false;
    },
    finish: () => {
      over = true;
      if (stream.destroyed || stream.closed) return;
      if (!stream.headersSent) respondHeaders(stream, s.headers());
      const trailers = s.trailers();
      endWith(stream, trailers === undefined ? OK_TRAILERS : { ...trailers, ...OK_TRAILERS });
    },
    fail: (e) => {
      over = true;
      trailersOnly(stream, e);
    },
  });
}

function respondHeaders(stream: ServerHttp2Stream, extra: Record<string, string> | undefined): void {
  stream.respond(extra === undefined ? RESPONSE_HEADERS : { ...extra, ...RESPONSE_HEADERS }, { waitForTrailers: true });
}

/** The request's headers as the dispatcher takes them: lowercase names, no pseudo-headers. */
function requestRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    if (k.charCodeAt(0) === 58 /* ':' */) continue;
    const v = headers[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}
