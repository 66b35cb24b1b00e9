// A client's calls through its interceptors: the onion is built per call around the client's
// own path (deadline, resilience, transport), which it reaches with the headers, signal and
// deadline the interceptors leave on the call. Clients without interceptors never come here.
import { create, type DescMessage, type DescMethod, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { callValues } from '../context/call-values.ts';
import { clockNow } from '../context/clock.ts';
import { BricksError } from '../errors/index.ts';
import { chain, type Call, type Interceptor, type Next } from '../interceptors/interceptor.ts';

type Message = MessageShape<DescMessage>;

/** What the client's own path takes once the interceptors are done with the call. */
export interface InnerOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly headers: Headers;
  readonly onHeaders: (h: Headers) => void;
  readonly onTrailers: (h: Headers) => void;
}

export interface InterceptedPlan {
  readonly method: DescMethod;
  readonly name: string;
}

export interface CallStart {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly transport: 'in-process' | 'remote';
}

function base(plan: InterceptedPlan, start: CallStart) {
  return {
    side: 'client' as const,
    method: plan.method,
    name: plan.name,
    requestHeaders: new Headers(start.headers),
    // A signal is part of the call's shape; one that never aborts costs little and only here.
    signal: start.signal ?? new AbortController().signal,
    deadline: start.deadline,
    values: callValues(),
    transport: start.transport,
  };
}

function inner(c: Call, headers: Headers, trailers: Headers): InnerOptions {
  return {
    timeoutMs: Math.max(0, c.deadline - clockNow()),
    signal: c.signal,
    headers: c.requestHeaders,
    onHeaders: (h) => h.forEach((v, k) => headers.set(k, v)),
    onTrailers: (h) => h.forEach((v, k) => trailers.set(k, v)),
  };
}

export async function interceptedUnary(
  interceptors: readonly Interceptor[],
  plan: InterceptedPlan,
  start: CallStart,
  request: MessageInitShape<DescMessage>,
  call: (message: Message, o: InnerOptions) => Promise<Message>,
): Promise<{ message: Message; headers: Headers; trailers: Headers }> {
  const core: Next = async (c) => {
    if (c.stream) throw new BricksError('internal', `an interceptor turned the unary ${plan.name} into a stream`);
    const headers = new Headers();
    const trailers = new Headers();
    const message = await call(c.message, inner(c, headers, trailers));
    return { stream: false, message, headers, trailers };
  };
  const reply = await chain(interceptors, core)({ ...base(plan, start), stream: false, message: create(plan.method.input, request) });
  if (reply.stream) throw new BricksError('internal', `an interceptor answered the unary ${plan.name} with a stream`);
  return reply;
}

export async function* interceptedStream(
  interceptors: readonly Interceptor[],
  plan: InterceptedPlan,
  start: CallStart,
  requests: AsyncIterable<MessageInitShape<DescMessage>>,
  stream: (messages: AsyncIterable<Message>, o: InnerOptions) => AsyncIterable<Message>,
): AsyncGenerator<Message, void, undefined> {
  const core: Next = async (c) => {
    if (!c.stream) throw new BricksError('internal', `an interceptor turned the stream ${plan.name} into a unary call`);
    const headers = new Headers();
    const trailers = new Headers();
    return { stream: true, messages: stream(c.messages, inner(c, headers, trailers)), headers, trailers };
  };
  const reply = await chain(interceptors, core)({ ...base(plan, start), stream: true, messages: asMessages(plan.method, requests) });
  if (!reply.stream) throw new BricksError('internal', `an interceptor answered the stream ${plan.name} with one message`);
  yield* reply.messages;
}

async function* asMessages(method: DescMethod, input: AsyncIterable<MessageInitShape<DescMessage>>): AsyncGenerator<Message, void, undefined> {
  for await (const m of input) yield create(method.input, m);
}
