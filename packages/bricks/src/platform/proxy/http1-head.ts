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
  /** Status line and end-to-end headers, each line ending in CRLF; the blank line is not included. */
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
 * Index of the CR ending the line that starts at `pos` (`text.length` for the last line).
 * Throws on a bare CR or LF, which some parsers take for a line end (request smuggling).
 */
function lineEnd(text: string, pos: number, fail: (m: string) => ProxyError): number {
  const cr = text.indexOf('\r', pos);
  const lf = text.indexOf('\n', pos);
  if (cr === -1) {
    if (lf !== -1) throw fail('bare LF in head');
    return text.length;
  }
  if (lf !== cr + 1) throw fail(lf === -1 || lf > cr ? 'bare CR in head' : 'bare LF in head');
  return cr;
}

/** A header's trimmed value; `colon` and `end` bound it in `text`. */
function valueOf(text: string, colon: number, end: number): string {
  return text.slice(colon + 1, end).trim();
}

/** Lower-cased comma-separated tokens of a Connection header. */
function connectionTokens(value: string): string[] {
  const lower = value.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close' || lower === 'upgrade') return [lower];
  return lower
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

function parseContentLength(value: string, previous: number, fail: (m: string) => ProxyError): number {
  // A repeated header or a list of equal values is allowed (RFC 9110 §8.6); anything else is
  // ambiguous framing and refused. Digits only, at most 15 so the number stays exact.
  let n = -1;
  let digits = 0;
  let current = 0;
  let seenSpaceAfter = false;
  for (let i = 0; i <= value.length; i++) {
    const c = i === value.length ? 0x2c : value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39 && !seenSpaceAfter) {
      if (++digits > 15) throw fail('invalid Content-Length');
      current = current * 10 + (c - 0x30);
    } else if (c === 0x20 || c === 0x09) {
      if (digits > 0) seenSpaceAfter = true;
    } else if (c === 0x2c) {
      if (digits === 0) throw fail('invalid Content-Length');
      if (n !== -1 && current !== n) throw fail('conflicting Content-Length');
      n = current;
      digits = 0;
      current = 0;
      seenSpaceAfter = false;
    } else {
      throw fail('invalid Content-Length');
    }
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
  let contentLength = -1;
  let transferEncoding = '';
  let connection: string[] = [];
  let upgrade = '';
  let contentType = '';
  let te = '';
  let xff = '';
  let forwarded = '';
  const firstEnd = lineEnd(text, 0, badRequest);
  const requestLine = text.slice(0, firstEnd);
  // Kept header lines are copied from `text` in runs: `kept` holds the runs before the last
  // dropped line, `keptFrom` is where the current run starts.
  let kept = '';
  let keptFrom = firstEnd + 2;
  for (let pos = firstEnd + 2; pos < text.length + 2; ) {
    const end = lineEnd(text, pos, badRequest);
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > end) throw badRequest('header line without a name');
    const last = text.charCodeAt(colon - 1);
    if (last === 0x20 || last === 0x09) throw badRequest('whitespace before colon in header');
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) throw badRequest('obsolete line folding');
    let drop = false;
    // Only names of the lengths we act on are lower-cased and looked at.
    switch (colon - pos) {
      case 2:
      case 7:
      case 9:
      case 10:
      case 12:
      case 14:
      case 15:
      case 16:
      case 17:
      case 19:
        switch (text.slice(pos, colon).toLowerCase()) {
          case 'connection':
            connection = connection.concat(connectionTokens(valueOf(text, colon, end)));
            drop = true;
            break;
          case 'keep-alive':
          case 'proxy-connection':
          case 'proxy-authorization':
            drop = true;
            break;
          case 'te':
            te = valueOf(text, colon, end);
            drop = true;
            break;
          case 'upgrade':
            upgrade = valueOf(text, colon, end);
            drop = true;
            break;
          case 'x-forwarded-for':
            xff = xff === '' ? valueOf(text, colon, end) : `${xff}, ${valueOf(text, colon, end)}`;
            drop = true;
            break;
          case 'forwarded':
            forwarded = forwarded === '' ? valueOf(text, colon, end) : `${forwarded}, ${valueOf(text, colon, end)}`;
            drop = true;
            break;
          case 'content-length':
            contentLength = parseContentLength(text.slice(colon + 1, end), contentLength, badRequest);
            break;
          case 'transfer-encoding':
            transferEncoding = transferEncoding === '' ? valueOf(text, colon, end) : `${transferEncoding}, ${valueOf(text, colon, end)}`;
            break;
          case 'content-type':
            contentType = valueOf(text, colon, end);
            break;
        }
    }
    if (drop) {
      kept += text.slice(keptFrom, pos);
      keptFrom = end + 2;
    }
    pos = end + 2;
  }
  if (keptFrom < text.length) kept += `${text.slice(keptFrom)}\r\n`;

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
  let contentLength = -1;
  let transferEncoding = '';
  let connection: string[] = [];
  const firstEnd = lineEnd(text, 0, badResponse);
  const statusLine = text.slice(0, firstEnd);
  // As in parseRequestHead: kept lines are copied in runs, here status line included.
  let kept = '';
  let keptFrom = 0;
  for (let pos = firstEnd + 2; pos < text.length + 2; ) {
    const end = lineEnd(text, pos, badResponse);
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > end) throw badResponse('header line without a name');
    let drop = false;
    switch (colon - pos) {
      case 7:
      case 10:
      case 14:
      case 16:
      case 17:
      case 18:
        switch (text.slice(pos, colon).toLowerCase()) {
          case 'connection':
            connection = connection.concat(connectionTokens(valueOf(text, colon, end)));
            drop = true;
            break;
          case 'keep-alive':
          case 'proxy-connection':
          case 'proxy-authenticate':
          case 'upgrade':
            drop = true;
            break;
          case 'content-length':
            contentLength = parseContentLength(text.slice(colon + 1, end), contentLength, badResponse);
            break;
          case 'transfer-encoding':
            transferEncoding = transferEncoding === '' ? valueOf(text, colon, end) : `${transferEncoding}, ${valueOf(text, colon, end)}`;
            break;
        }
    }
    if (drop) {
      kept += text.slice(keptFrom, pos);
      keptFrom = end + 2;
    }
    pos = end + 2;
  }
  if (keptFrom < text.length) kept += `${text.slice(keptFrom)}\r\n`;
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
  return { status, keepAlive, framing, forwardHead: kept };
}
