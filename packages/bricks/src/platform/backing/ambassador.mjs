// @ts-check
// An ambassador: the program behind a service that names a remote HTTP API (`x-bricks.ambassador`).
// Callers reach it at `<NAME>_URL` like any service; it forwards each request to the remote with
// a timeout per attempt, retries idempotent requests that failed before an answer (or with 502,
// 503, 504), opens a circuit breaker on a remote that keeps failing (answering 503 at once rather
// than piling up waits), and adds the credential from the service's secret file, which the caller
// never sees (a caller's own header of that name is dropped). One log line per request.
// Plain JavaScript with no dependency, run by node itself: the same file runs as a local replica
// and, on Swarm and Kubernetes, in the stack's Node base image.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'timeout-ms': { type: 'string', default: '10000' },
    retries: { type: 'string', default: '2' },
    header: { type: 'string' },
    scheme: { type: 'string' },
    // The credential's file: absolute (Swarm, Kubernetes: /run/secrets/...), or relative to the
    // folder the variable --secrets-dir-variable names (locally, the replica's secrets folder).
    'secret-file': { type: 'string' },
    'secrets-dir-variable': { type: 'string' },
    // The service's name, for the log lines.
    name: { type: 'string', default: 'ambassador' },
  },
});
if (values.url === undefined) {
  console.error('bricks ambassador: --url is required');
  process.exit(2);
}
const remote = new URL(values.url);
const timeoutMs = Number(values['timeout-ms']);
const retries = Number(values.retries);
const port = Number(process.env.PORT ?? '8080');
const host = process.env.HOST ?? '127.0.0.1';
const client = remote.protocol === 'https:' ? https : http;
const agent = new client.Agent({ keepAlive: true });

/** Methods that may be sent twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Answers that say the remote did not act on the request. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);
// A request is held in memory to be sent again; past this it is refused rather than buffered.
const MAX_BODY = 8 * 1024 * 1024;
// Breaker: five failures in a row (an SRE rule of thumb, as Hystrix's volume threshold) open it
// for five seconds; then one trial request decides.
const BREAKER_FAILURES = 5;
const BREAKER_OPEN_MS = 5000;

/** @type {{ state: 'closed' | 'open' | 'half-open', failures: number, openedAt: number }} */
const breaker = { state: 'closed', failures: 0, openedAt: 0 };

/** @param {number} now */
function breakerAllows(now) {
  if (breaker.state === 'closed') return true;
  if (breaker.state === 'open' && now - breaker.openedAt >= BREAKER_OPEN_MS) {
    breaker.state = 'half-open';
    return true;
  }
  return false;
}

/** @param {boolean} ok @param {number} now */
function breakerRecord(ok, now) {
  if (ok) {
    breaker.state = 'closed';
    breaker.failures = 0;
    return;
  }
  breaker.failures++;
  if (breaker.state === 'half-open' || breaker.failures >= BREAKER_FAILURES) {
    if (breaker.state !== 'open') log({ msg: 'circuit open', failures: breaker.failures });
    breaker.state = 'open';
    breaker.openedAt = now;
  }
}

/** Read at each request, so a secret rotated in place is used at once. */
function credential() {
  const file = values['secret-file'];
  if (values.header === undefined || file === undefined) return undefined;
  const variable = values['secrets-dir-variable'];
  const dir = variable === undefined ? undefined : process.env[variable];
  const path = file.startsWith('/') || dir === undefined ? file : join(dir, file);
  const secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  return values.scheme === undefined ? secret : `${values.scheme} ${secret}`;
}

/** @param {Record<string, unknown>} fields */
function log(fields) {
  console.log(JSON.stringify({ time: Date.now(), service: values.name, ...fields }));
}

/**
 * One attempt: resolves with the remote's response (not yet read), or rejects on a connect
 * error or the timeout.
 * @param {http.IncomingMessage} req @param {Buffer} body @param {Record<string, string | string[]>} headers
 * @returns {Promise<http.IncomingMessage>}
 */
function attempt(req, body, headers) {
  return new Promise((resolve, reject) => {
    const target = new URL(remote.href.replace(/\/$/, '') + (req.url ?? '/'));
    const out = client.request(target, { method: req.method, headers: { ...headers, host: target.host, 'content-length': String(body.length) }, agent, timeout: timeoutMs }, resolve);
    out.on('timeout', () => out.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    out.on('error', reject);
    out.end(body);
  });
}

/** @param {http.ServerResponse} res @param {number} status @param {string} message */
function fail(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: status === 504 ? 'deadline_exceeded' : 'unavailable', message } }));
}

const server = http.createServer(async (req, res) => {
  const started = performance.now();
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return fail(res, 413, `request bodies above ${MAX_BODY} bytes are not forwarded`);
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const headers = /** @type {Record<string, string | string[]>} */ ({});
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && k !== values.header) headers[k] = v;
  let value;
  try {
    value = credential();
  } catch (err) {
    log({ msg: 'credential unreadable', error: err instanceof Error ? err.message : String(err) });
    return fail(res, 503, 'the ambassador cannot read its credential');
  }
  if (values.header !== undefined && value !== undefined) headers[values.header] = value;
  const method = req.method ?? 'GET';
  const tries = IDEMPOTENT.has(method) ? 1 + retries : 1;
  let last = 'no attempt';
  for (let n = 1; n <= tries; n++) {
    if (!breakerAllows(Date.now())) {
      log({ method, path: req.url, status: 503, attempts: n - 1, ms: Math.round(performance.now() - started), breaker: 'open' });
      return fail(res, 503, `${remote.host} is failing: the circuit is open`);
    }
    try {
      const answer = await attempt(req, body, headers);
      const status = answer.statusCode ?? 502;
      if (RETRYABLE_STATUS.has(status) && n < tries) {
        answer.resume();
        breakerRecord(false, Date.now());
        last = `status ${status}`;
        await new Promise((r) => setTimeout(r, 25 * 2 ** (n - 1)));
        continue;
      }
      breakerRecord(status < 500, Date.now());
      const out = /** @type {Record<string, string | string[]>} */ ({});
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(status, out);
      answer.pipe(res);
      log({ method, path: req.url, status, attempts: n, ms: Math.round(performance.now() - started) });
      return;
    } catch (err) {
      breakerRecord(false, Date.now());
      last = err instanceof Error ? err.message : String(err);
      if (n < tries) await new Promise((r) => setTimeout(r, 25 * 2 ** (n - 1)));
    }
  }
  const timedOut = /no answer within/.test(last);
  log({ method, path: req.url, status: timedOut ? 504 : 502, attempts: tries, ms: Math.round(performance.now() - started), error: last });
  fail(res, timedOut ? 504 : 502, `${remote.host}: ${last}`);
});

server.listen({ host, port }, () => log({ msg: `ambassador for ${remote.origin} on ${host}:${port}` }));
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
