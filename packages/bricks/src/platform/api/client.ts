// The control API's client: one typed call per route of the contract, so that callers write no
// path and cast no answer. It sends the token and turns error answers back into ApiErrors.
// Finding the project's daemon (daemon.json, the token file) is the CLI's part.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { API } from './contract/index.ts';
import type {
  ConfigDoc, DiffDoc, DiffQuery, DownAnswer, EventsQuery, HistoryDoc, JsonOf, LineOf, LogLine, LogsQuery, OperationLine, PlatformEvent, QueryCodec,
  RequestOf, RestartAnswer, RestartRequest, RollbackRequest, RouteName, ScaleAnswer, ScaleRequest, StatusDoc, StatusQuery, TokenAnswer, TokenRequest,
  DashboardLoginAnswer, HttpSdGroup, RangeDoc, RangeQuery, TopDoc, TopQuery, TraceDoc, TracesDoc, TracesQuery,
} from './contract/index.ts';
import { ApiError } from './errors.ts';

export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  status(query: StatusQuery = {}): Promise<StatusDoc> {
    return this.json('status', query);
  }

  config(): Promise<ConfigDoc> {
    return this.json('config', undefined);
  }

  scale(body: ScaleRequest): Promise<ScaleAnswer> {
    return this.json('scale', body);
  }

  restart(body: RestartRequest): Promise<RestartAnswer> {
    return this.json('restart', body);
  }

  down(): Promise<DownAnswer> {
    return this.json('down', undefined);
  }

  /** Until the daemon closes the stream or `signal` aborts. */
  events(query: EventsQuery, signal?: AbortSignal): AsyncIterable<PlatformEvent> {
    return this.lines('events', query, signal);
  }

  logs(query: Omit<LogsQuery, 'follow'>): Promise<readonly LogLine[]> {
    return this.json('logs', { ...query, follow: false });
  }

  /** The history, then new lines as they come, until `signal` aborts. */
  followLogs(query: Omit<LogsQuery, 'follow'>, signal?: AbortSignal): AsyncIterable<LogLine> {
    return this.lines('logs', { ...query, follow: true }, signal);
  }

  /** Progress, then the result (or an error line). */
  deploy(): AsyncIterable<OperationLine> {
    return this.lines('deploy', undefined);
  }

  rollback(body: RollbackRequest): AsyncIterable<OperationLine> {
    return this.lines('rollback', body);
  }

  /** A development user token of the daemon's issuer. */
  userToken(body: TokenRequest): Promise<TokenAnswer> {
    return this.json('identityToken', body);
  }

  /** After `bricks secret set`/`rm`: progress, then the result (or an error line). */
  reloadSecrets(): AsyncIterable<OperationLine> {
    return this.lines('secretsReload', undefined);
  }

  history(): Promise<HistoryDoc> {
    return this.json('history', undefined);
  }

  diff(query: DiffQuery): Promise<DiffDoc> {
    return this.json('diff', query);
  }

  /** The exposition text: it starts with a comment, so it is never taken for JSON. */
  metrics(): Promise<string> {
    return this.json('metrics', undefined);
  }

  prometheusTargets(): Promise<readonly HttpSdGroup[]> {
    return this.json('prometheusTargets', undefined);
  }

  traces(query: TracesQuery = {}): Promise<TracesDoc> {
    return this.json('traces', query);
  }

  trace(id: string): Promise<TraceDoc> {
    return this.json('trace', { id });
  }

  top(query: TopQuery = {}): Promise<TopDoc> {
    return this.json('top', query);
  }

  metricsRange(query: RangeQuery = {}): Promise<RangeDoc> {
    return this.json('metricsRange', query);
  }

  /** A one-time login link to the dashboard. */
  dashboardLogin(): Promise<DashboardLoginAnswer> {
    return this.json('dashboardLogin', undefined);
  }

  /** Any route that answers with a document. */
  json<K extends RouteName>(route: K, req: RequestOf<K>): Promise<JsonOf<K>> {
    const { method, target, body } = this.prepare(route, req);
    return new Promise((resolve, reject) => {
      const call = request(target, { method, headers: this.headers() }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          if ((res.statusCode ?? 500) >= 400) {
            const err = (parsed as { error?: { message?: string } }).error;
            reject(ApiError.fromStatus(res.statusCode ?? 500, err?.message ?? text));
          }
          // why: the daemon answers with the contract's document for this route; both sides build from it.
          else resolve(parsed as JsonOf<K>);
        });
      });
      call.on('error', (err) => reject(new ApiError('unavailable', `cannot reach the bricks daemon at ${this.url}: ${err.message}`, { cause: err })));
      call.end(body);
    });
  }

  /** Any route that answers with NDJSON lines, as parsed values; ends when the daemon closes it or `signal` aborts. */
  async *lines<K extends RouteName>(route: K, req: RequestOf<K>, signal?: AbortSignal): AsyncIterable<LineOf<K>> {
    const { method, target, body } = this.prepare(route, req);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const call = request(target, { method, headers: this.headers(), signal }, resolve);
      call.on('error', (err) => reject(new ApiError('unavailable', `cannot reach the bricks daemon: ${err.message}`, { cause: err })));
      call.end(body);
    });
    if ((res.statusCode ?? 500) >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw ApiError.fromStatus(res.statusCode ?? 500, message);
    }
    let buffered = '';
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          // why: each line is the contract's line type for this route, as the daemon wrote it.
          if (line.trim() !== '') yield JSON.parse(line) as LineOf<K>;
        }
      }
    } catch (err) {
      // Our own abort ends the stream quietly; anything else is the daemon going away.
      if (signal?.aborted !== true) throw new ApiError('unavailable', `the stream from the bricks daemon broke: ${String(err)}`, { cause: err });
    }
  }

  /** Where the route's request goes: in the query string, or as the JSON body. */
  private prepare<K extends RouteName>(route: K, req: RequestOf<K>): { method: string; target: string; body: string | undefined } {
    const spec = API[route];
    const target = `${this.url}${spec.path}`;
    switch (spec.request.in) {
      case 'none':
        return { method: spec.method, target, body: undefined };
      case 'query': {
        // why: TypeScript does not relate API[K]'s codec to RequestOf<K>; both come from the same entry.
        const query = (spec.request.codec as QueryCodec<RequestOf<K>>).encode(req).toString();
        return { method: spec.method, target: query === '' ? target : `${target}?${query}`, body: undefined };
      }
      case 'body':
        return { method: spec.method, target, body: JSON.stringify(req) };
    }
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }
}
