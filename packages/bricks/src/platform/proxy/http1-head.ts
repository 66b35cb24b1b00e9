// Parses HTTP/1.x request and response heads just far enough to proxy them (framing,
// keep-alive, upgrade, gRPC) and re-serializes them without hop-by-hop headers (RFC 9110
// §7.6.1), adding X-Forwarded-For and Forwarded on requests. Heads travel as latin1 strings
// so every byte round-trips unchanged.
import { chunked, noBody, untilClose, type Framing } from './body-framing.ts';
import { ProxyError } from './errors.ts';

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly http10: boolean;
  readonly framing: Framing;
  /** The client keeps the connection open after this exchange. */
  readonly keepAlive: boolean;
  /** The Upgrade header's value when the client asks to switch protocols, else ''. */
  readonly upgrade: string;
  readonly contentType: string;
  /** The full head to send upstream, blank line included. */
  readonly forwardHead: string;
}

export interface ResponseHead {
  readonly status: number;
  /** The upstream connection may carry another request after this response. */
  readonly keepAlive: boolean;
  readonly framing: Framing;
  /** Status line and end-to-end headers, without the final CRLF pair. */
  readonly forwardHead: string;
}

/** Per-connection values for the forwarding headers, computed once per client connection. */
export interface ClientAddress {
  /** The client's IP as X-Forwarded-For lists it. */
  readonly ip: string;
  /** The `for=` element of Forwarded (RFC 7239 §6: IPv6 is bracketed and quoted). */
  readonly forwardedFor: string;
}

export function clientAddress(ip: string | undefined): ClientAddress {
  const addr = ip ?? 'unknown';
  const bare = addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
  return { ip: bare, forwardedFor: bare.includes(':') ? `for="[${bare}]"` : `for=${bare}` };
}

function badRequest(message: string): ProxyError {
  return new ProxyError('bad-request', message);
}

function badResponse(message: string): ProxyError {
  return new ProxyError('upstream-protocol', message);
}

/**
 * Calls `line(start, end)` for each CRLF-separated line of `text` after the first; returns the
 * first line. Throws on bare CR or LF, which some parsers treat as line ends (smuggling).
 */
function splitLines(text: string, onLine: (line: string) => void, fail: (m: string) => ProxyError): string {
  let first: string | undefined;
  let start = 0;
  for (;;) {
    const cr = text.indexOf('\r', start);
    const lf = text.indexOf('\n', start);
    if (cr === -1) {
      if (lf !== -1) throw fail('bare LF in head');
      const last = text.slice(start);
      if (first === undefined) return last;
      onLine(last);
      return first;
    }
    if (lf !== cr + 1) throw fail(lf === -1 || lf > cr ? 'bare CR in head' : 'bare LF in head');
    const line = text.slice(start, cr);
    if (first === undefined) first = line;
    else onLine(line);
    start = lf + 1;
  }
}

/** Lower-cased comma-separated tokens of a Connection header. */
function connectionTokens(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
}

function parseContentLength(value: string, previous: number, fail: (m: string) => ProxyError): number {
  // A repeated header or a list of equal values is allowed (RFC 9110 §8.6); anything else is
  // ambiguous framing and refused.
  let n = -1;
  for (const part of value.split(',')) {
    const v = part.trim();
    if (!/^[0-9]{1,15}$/.test(v)) throw fail('invalid Content-Length');
    const parsed = Number(v);
    if (n !== -1 && parsed !== n) throw fail('conflicting Content-Length');
    n = parsed;
  }
  if (previous !== -1 && previous !== n) throw fail('conflicting Content-Length');
  return n;
}

function isChunkedLast(value: string): boolean {
  const comma = value.lastIndexOf(',');
  return value.slice(comma + 1).trim().toLowerCase() === 'chunked';
}

/** Removes header lines whose lower-cased names are in `names` from a CRLF-joined block. */
function dropNamed(lines: string, names: ReadonlySet<string>): string {
  if (lines.length === 0) return lines;
  return lines
    .split('\r\n')
    .filter((l) => l.length === 0 || !names.has(l.slice(0, l.indexOf(':')).trim().toLowerCase()))
    .join('\r\n');
}

const alwaysHopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'transfer-encoding', 'trailer', 'proxy-authorization', 'proxy-authenticate']);

/** Parses a request head (`text` excludes the final CRLFCRLF). Throws ProxyError `bad-request`. */
export function parseRequestHead(text: string, client: ClientAddress): RequestHead {
  let kept = '';
  let contentLength = -1;
  let transferEncoding = '';
  let connection: string[] = [];
  let upgrade = '';
  let contentType = '';
  let te = '';
  let xff = '';
  let forwarded = '';
  const requestLine = splitLines(
    text,
    (line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw badRequest('header line without a name');
      const last = line.charCodeAt(colon - 1);
      if (last === 0x20 || last === 0x09) throw badRequest('whitespace before colon in header');
      const first = line.charCodeAt(0);
      if (first === 0x20 || first === 0x09) throw badRequest('obsolete line folding');
      const name = line.slice(0, colon).toLowerCase();
      switch (name) {
        case 'connection':
          connection = connection.concat(connectionTokens(line.slice(colon + 1)));
          return;
        case 'keep-alive':
        case 'proxy-connection':
        case 'proxy-authorization':
          return;
        case 'te':
          te = line.slice(colon + 1).trim();
          return;
        case 'upgrade':
          upgrade = line.slice(colon + 1).trim();
          return;
        case 'x-forwarded-for':
          xff = xff === '' ? line.slice(colon + 1).trim() : `${xff}, ${line.slice(colon + 1).trim()}`;
          return;
        case 'forwarded':
          forwarded = forwarded === '' ? line.slice(colon + 1).trim() : `${forwarded}, ${line.slice(colon + 1).trim()}`;
          return;
        case 'content-length':
          contentLength = parseContentLength(line.slice(colon + 1), contentLength, badRequest);
          break;
        case 'transfer-encoding':
          transferEncoding = transferEncoding === '' ? line.slice(colon + 1).trim() : `${transferEncoding}, ${line.slice(colon + 1).trim()}`;
          break;
        case 'content-type':
          contentType = line.slice(colon + 1).trim();
          break;
      }
      kept += `${line}\r\n`;
    },
    badRequest,
  );

  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1 + 1) throw badRequest('malformed request line');
  const version = requestLine.slice(sp2 + 1);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw badRequest(`unsupported version ${version.slice(0, 16)}`);
  const http10 = version === 'HTTP/1.0';
  const method = requestLine.slice(0, sp1);
  const target = requestLine.slice(sp1 + 1, sp2);
  if (target.includes(' ')) throw badRequest('space in request target');

  let framing: Framing = noBody;
  if (transferEncoding !== '') {
    // Both headers together is the classic smuggling shape (RFC 9112 §6.1): refuse it.
    if (contentLength !== -1) throw badRequest('both Transfer-Encoding and Content-Length');
    if (!isChunkedLast(transferEncoding)) throw badRequest('request body with a length that cannot be determined');
    framing = chunked;
  } else if (contentLength > 0) {
    framing = { kind: 'length', length: contentLength };
  }

  let keepAlive = !http10;
  let wantsUpgrade = false;
  let extra: Set<string> | undefined;
  for (const token of connection) {
    if (token === 'close') keepAlive = false;
    else if (token === 'keep-alive') keepAlive = keepAlive || http10;
    else if (token === 'upgrade') wantsUpgrade = true;
    else if (!alwaysHopByHop.has(token)) (extra ??= new Set()).add(token);
  }
  if (connection.includes('close')) keepAlive = false;
  if (extra !== undefined) kept = dropNamed(kept, extra);
  if (!wantsUpgrade || http10) upgrade = '';

  let head = `${requestLine}\r\n${kept}`;
  if (upgrade !== '') head += `connection: upgrade\r\nupgrade: ${upgrade}\r\n`;
  // HTTP/1.0 defaults to close; asking for keep-alive lets the upstream connection be pooled.
  else if (http10) head += 'connection: keep-alive\r\n';
  if (te.toLowerCase() === 'trailers') head += 'te: trailers\r\n';
  head += `x-forwarded-for: ${xff === '' ? client.ip : `${xff}, ${client.ip}`}\r\n`;
  head += `forwarded: ${forwarded === '' ? client.forwardedFor : `${forwarded}, ${client.forwardedFor}`}\r\n\r\n`;
  return { method, target, http10, framing, keepAlive, upgrade, contentType, forwardHead: head };
}

/**
 * Parses a response head (`text` excludes the final CRLFCRLF) to a request made with
 * `method`. Throws ProxyError `upstream-protocol`.
 */
export function parseResponseHead(text: string, method: string): ResponseHead {
  let kept = '';
  let contentLength = -1;
  let transferEncoding = '';
  let connection: string[] = [];
  const statusLine = splitLines(
    text,
    (line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw badResponse('header line without a name');
      const name = line.slice(0, colon).toLowerCase();
      switch (name) {
        case 'connection':
          connection = connection.concat(connectionTokens(line.slice(colon + 1)));
          return;
        case 'keep-alive':
        case 'proxy-connection':
        case 'proxy-authenticate':
        case 'upgrade':
          return;
        case 'content-length':
          contentLength = parseContentLength(line.slice(colon + 1), contentLength, badResponse);
          break;
        case 'transfer-encoding':
          transferEncoding = transferEncoding === '' ? line.slice(colon + 1).trim() : `${transferEncoding}, ${line.slice(colon + 1).trim()}`;
          break;
      }
      kept += `\r\n${line}`;
    },
    badResponse,
  );
  if (!statusLine.startsWith('HTTP/1.') || statusLine.length < 12 || statusLine.charCodeAt(12) > 0x20) {
    throw badResponse('malformed status line');
  }
  const status = Number(statusLine.slice(9, 12));
  if (!Number.isInteger(status) || status < 100 || status > 999) throw badResponse('malformed status code');
  const http10 = statusLine.charCodeAt(7) === 0x30;

  let framing: Framing;
  let keepAlive = !http10;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = noBody;
  else if (transferEncoding !== '') framing = isChunkedLast(transferEncoding) ? chunked : untilClose;
  else if (contentLength !== -1) framing = contentLength === 0 ? noBody : { kind: 'length', length: contentLength };
  else framing = untilClose;
  let extra: Set<string> | undefined;
  for (const token of connection) {
    if (token === 'keep-alive') keepAlive = true;
    else if (token !== 'close' && !alwaysHopByHop.has(token)) (extra ??= new Set()).add(token);
  }
  if (connection.includes('close') || framing.kind === 'until-close') keepAlive = false;
  if (extra !== undefined) kept = dropNamed(kept, extra);
  return { status, keepAlive, framing, forwardHead: statusLine + kept };
}
