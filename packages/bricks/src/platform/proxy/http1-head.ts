// Parses HTTP/1.x request and response heads just far enough to proxy them (framing,
// keep-alive, upgrade, gRPC) and re-serializes them without hop-by-hop headers (RFC 9110
// §7.6.1), adding X-Forwarded-For and Forwarded on requests. Heads travel as latin1 strings
// so every byte round-trips unchanged. Strings, not byte scans: V8's string search and slices
// (which share the parent's characters) measured faster than JS loops over a Buffer for heads
// of a few hundred bytes; what costs is allocation, so header names are compared in place and
// only the values the proxy acts on become strings.
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
  /** The caller's traceparent, '' when it sent none (the head sends it on as it came). */
  readonly traceparent: string;
  /** The caller's tracestate, '' when it sent none. */
  readonly tracestate: string;
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
  /** Both forwarding headers and the blank line, for requests that bring neither header. */
  readonly forwardingTail: string;
}

export function clientAddress(ip: string | undefined): ClientAddress {
  const addr = ip ?? 'unknown';
  const bare = addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
  const forwardedFor = bare.includes(':') ? `for="[${bare}]"` : `for=${bare}`;
  return { ip: bare, forwardedFor, forwardingTail: forwardingHeaders(bare, forwardedFor) };
}

/** The X-Forwarded-For and Forwarded lines with these values, and the blank line. */
function forwardingHeaders(xff: string, forwarded: string): string {
  return `x-forwarded-for: ${xff}\r\nforwarded: ${forwarded}\r\n\r\n`;
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

/** A repeated header's values joined as one list (RFC 9110 §5.3). */
function appendValue(list: string, text: string, colon: number, end: number): string {
  return list === '' ? valueOf(text, colon, end) : `${list}, ${valueOf(text, colon, end)}`;
}

const tab = 0x09;
const space = 0x20;
const comma = 0x2c;

/** True when `text[at, at + lower.length)` is `lower` ignoring ASCII case. `lower` holds only
 * lower-case letters and '-', for which `| 0x20` folds case and maps no other character of a
 * header name onto them (only CR would, and a name has none). */
function sameName(text: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(at + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The header names the proxy acts on; everything else is `Other` and passes through. */
const enum Name {
  Other,
  Connection,
  KeepAlive,
  ProxyConnection,
  ProxyAuthorization,
  ProxyAuthenticate,
  Te,
  Upgrade,
  XForwardedFor,
  Forwarded,
  ContentLength,
  TransferEncoding,
  ContentType,
  Traceparent,
  Tracestate,
}

/** Which known header `text[pos, colon)` names, dispatched on length so most lines cost one compare. */
function headerName(text: string, pos: number, colon: number): Name {
  switch (colon - pos) {
    case 2:
      return sameName(text, pos, 'te') ? Name.Te : Name.Other;
    case 7:
      return sameName(text, pos, 'upgrade') ? Name.Upgrade : Name.Other;
    case 9:
      return sameName(text, pos, 'forwarded') ? Name.Forwarded : Name.Other;
    case 10:
      if (sameName(text, pos, 'connection')) return Name.Connection;
      if (sameName(text, pos, 'tracestate')) return Name.Tracestate;
      return sameName(text, pos, 'keep-alive') ? Name.KeepAlive : Name.Other;
    case 11:
      return sameName(text, pos, 'traceparent') ? Name.Traceparent : Name.Other;
    case 12:
      return sameName(text, pos, 'content-type') ? Name.ContentType : Name.Other;
    case 14:
      return sameName(text, pos, 'content-length') ? Name.ContentLength : Name.Other;
    case 15:
      return sameName(text, pos, 'x-forwarded-for') ? Name.XForwardedFor : Name.Other;
    case 16:
      return sameName(text, pos, 'proxy-connection') ? Name.ProxyConnection : Name.Other;
    case 17:
      return sameName(text, pos, 'transfer-encoding') ? Name.TransferEncoding : Name.Other;
    case 18:
      return sameName(text, pos, 'proxy-authenticate') ? Name.ProxyAuthenticate : Name.Other;
    case 19:
      return sameName(text, pos, 'proxy-authorization') ? Name.ProxyAuthorization : Name.Other;
    default:
      return Name.Other;
  }
}

/** The Connection tokens the proxy acts on, as bits; other tokens name more hop-by-hop headers. */
const tokenClose = 1;
const tokenKeepAlive = 2;
const tokenUpgrade = 4;

interface ConnectionTokens {
  bits: number;
  /** Lower-cased tokens other than the three above, in order; undefined while there are none. */
  others: string[] | undefined;
}

/** Adds the comma-separated tokens of the Connection value in `text[from, to)` to `into`. */
function connectionTokens(text: string, from: number, to: number, into: ConnectionTokens): void {
  let i = from;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c === space || c === tab || c === comma) {
      i++;
      continue;
    }
    let j = text.indexOf(',', i);
    if (j === -1 || j > to) j = to;
    let e = j;
    while (e > i && ((c = text.charCodeAt(e - 1)) === space || c === tab)) e--;
    const n = e - i;
    if (n === 5 && sameName(text, i, 'close')) into.bits |= tokenClose;
    else if (n === 10 && sameName(text, i, 'keep-alive')) into.bits |= tokenKeepAlive;
    else if (n === 7 && sameName(text, i, 'upgrade')) into.bits |= tokenUpgrade;
    else (into.others ??= []).push(text.slice(i, e).toLowerCase());
    i = j;
  }
}

/** Parses the Content-Length value in `text[from, to)`. */
function parseContentLength(text: string, from: number, to: number, previous: number, fail: (m: string) => ProxyError): number {
  // A repeated header or a list of equal values is allowed (RFC 9110 §8.6); anything else is
  // ambiguous framing and refused. Digits only, at most 15 so the number stays exact.
  let n = -1;
  let digits = 0;
  let current = 0;
  let seenSpaceAfter = false;
  for (let i = from; i <= to; i++) {
    const c = i === to ? comma : text.charCodeAt(i);
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

/** The extra header names a Connection header listed for removal. */
function extraNames(others: readonly string[] | undefined): Set<string> | undefined {
  if (others === undefined) return undefined;
  let extra: Set<string> | undefined;
  for (const token of others) if (!alwaysHopByHop.has(token)) (extra ??= new Set()).add(token);
  return extra;
}

/** Parses a request head (`text` excludes the final CRLFCRLF). Throws ProxyError `bad-request`. */
export function parseRequestHead(text: string, client: ClientAddress): RequestHead {
  let contentLength = -1;
  let transferEncoding = '';
  const connection: ConnectionTokens = { bits: 0, others: undefined };
  let upgrade = '';
  let contentType = '';
  let te = '';
  let xff = '';
  let forwarded = '';
  let traceparent = '';
  let tracestate = '';
  const firstEnd = lineEnd(text, 0, badRequest);
  // Kept header lines are copied from `text` in runs: `kept` holds the runs before the last
  // dropped line, `keptFrom` is where the current run starts.
  let kept = '';
  let keptFrom = firstEnd + 2;
  for (let pos = firstEnd + 2; pos < text.length + 2; ) {
    const end = lineEnd(text, pos, badRequest);
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > end) throw badRequest('header line without a name');
    const last = text.charCodeAt(colon - 1);
    if (last === space || last === tab) throw badRequest('whitespace before colon in header');
    const first = text.charCodeAt(pos);
    if (first === space || first === tab) throw badRequest('obsolete line folding');
    let drop = false;
    switch (headerName(text, pos, colon)) {
      case Name.Other:
      case Name.ProxyAuthenticate:
        break;
      case Name.Connection:
        connectionTokens(text, colon + 1, end, connection);
        drop = true;
        break;
      case Name.KeepAlive:
      case Name.ProxyConnection:
      case Name.ProxyAuthorization:
        drop = true;
        break;
      case Name.Te:
        te = valueOf(text, colon, end);
        drop = true;
        break;
      case Name.Upgrade:
        upgrade = valueOf(text, colon, end);
        drop = true;
        break;
      case Name.XForwardedFor:
        xff = appendValue(xff, text, colon, end);
        drop = true;
        break;
      case Name.Forwarded:
        forwarded = appendValue(forwarded, text, colon, end);
        drop = true;
        break;
      case Name.ContentLength:
        contentLength = parseContentLength(text, colon + 1, end, contentLength, badRequest);
        break;
      case Name.TransferEncoding:
        transferEncoding = appendValue(transferEncoding, text, colon, end);
        break;
      case Name.ContentType:
        contentType = valueOf(text, colon, end);
        break;
      case Name.Traceparent:
        traceparent = valueOf(text, colon, end);
        break;
      case Name.Tracestate:
        tracestate = appendValue(tracestate, text, colon, end);
        break;
    }
    if (drop) {
      kept += text.slice(keptFrom, pos);
      keptFrom = end + 2;
    }
    pos = end + 2;
  }
  if (keptFrom < text.length) kept += `${text.slice(keptFrom)}\r\n`;

  const sp1 = text.indexOf(' ');
  const sp2 = text.lastIndexOf(' ', firstEnd);
  if (sp1 <= 0 || sp1 >= firstEnd || sp2 <= sp1 + 1) throw badRequest('malformed request line');
  // The version is compared in place: 'HTTP/1.' then the minor digit.
  const http10 = firstEnd - sp2 === 9 && text.startsWith('HTTP/1.0', sp2 + 1);
  if (!http10 && !(firstEnd - sp2 === 9 && text.startsWith('HTTP/1.1', sp2 + 1))) throw badRequest(`unsupported version ${text.slice(sp2 + 1, Math.min(firstEnd, sp2 + 17))}`);
  const target = text.slice(sp1 + 1, sp2);
  if (target.includes(' ')) throw badRequest('space in request target');
  const method = text.slice(0, sp1);

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
  if ((connection.bits & tokenKeepAlive) !== 0) keepAlive = true;
  if ((connection.bits & tokenClose) !== 0) keepAlive = false;
  const extra = extraNames(connection.others);
  if (extra !== undefined) kept = dropNamed(kept, extra);
  if ((connection.bits & tokenUpgrade) === 0 || http10) upgrade = '';

  let head = `${text.slice(0, firstEnd)}\r\n${kept}`;
  if (upgrade !== '') head += `connection: upgrade\r\nupgrade: ${upgrade}\r\n`;
  // HTTP/1.0 defaults to close; asking for keep-alive lets the upstream connection be pooled.
  else if (http10) head += 'connection: keep-alive\r\n';
  if (te.length === 8 && sameName(te, 0, 'trailers')) head += 'te: trailers\r\n';
  head += xff === '' && forwarded === '' ? client.forwardingTail : forwardingHeaders(xff === '' ? client.ip : `${xff}, ${client.ip}`, forwarded === '' ? client.forwardedFor : `${forwarded}, ${client.forwardedFor}`);
  return { method, target, http10, framing, keepAlive, upgrade, contentType, traceparent, tracestate, forwardHead: head };
}

/**
 * Parses a response head (`text` excludes the final CRLFCRLF) to a request made with
 * `method`. Throws ProxyError `upstream-protocol`.
 */
export function parseResponseHead(text: string, method: string): ResponseHead {
  let contentLength = -1;
  let transferEncoding = '';
  const connection: ConnectionTokens = { bits: 0, others: undefined };
  const firstEnd = lineEnd(text, 0, badResponse);
  // As in parseRequestHead: kept lines are copied in runs, here status line included.
  let kept = '';
  let keptFrom = 0;
  for (let pos = firstEnd + 2; pos < text.length + 2; ) {
    const end = lineEnd(text, pos, badResponse);
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > end) throw badResponse('header line without a name');
    let drop = false;
    switch (headerName(text, pos, colon)) {
      case Name.Connection:
        connectionTokens(text, colon + 1, end, connection);
        drop = true;
        break;
      case Name.KeepAlive:
      case Name.ProxyConnection:
      case Name.ProxyAuthenticate:
      case Name.Upgrade:
        drop = true;
        break;
      case Name.ContentLength:
        contentLength = parseContentLength(text, colon + 1, end, contentLength, badResponse);
        break;
      case Name.TransferEncoding:
        transferEncoding = appendValue(transferEncoding, text, colon, end);
        break;
      case Name.Other:
      case Name.ProxyAuthorization:
      case Name.Te:
      case Name.XForwardedFor:
      case Name.Forwarded:
      case Name.Traceparent:
      case Name.Tracestate:
      case Name.ContentType:
        break;
    }
    if (drop) {
      kept += text.slice(keptFrom, pos);
      keptFrom = end + 2;
    }
    pos = end + 2;
  }
  if (keptFrom < text.length) kept += `${text.slice(keptFrom)}\r\n`;
  if (!text.startsWith('HTTP/1.') || firstEnd < 12 || (firstEnd > 12 && text.charCodeAt(12) > space)) {
    throw badResponse('malformed status line');
  }
  const status = statusCode(text);
  if (status < 100) throw badResponse('malformed status code');
  const http10 = text.charCodeAt(7) === 0x30;

  let framing: Framing;
  let keepAlive = !http10;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = noBody;
  else if (transferEncoding !== '') framing = isChunkedLast(transferEncoding) ? chunked : untilClose;
  else if (contentLength !== -1) framing = contentLength === 0 ? noBody : { kind: 'length', length: contentLength };
  else framing = untilClose;
  if ((connection.bits & tokenKeepAlive) !== 0) keepAlive = true;
  if ((connection.bits & tokenClose) !== 0 || framing.kind === 'until-close') keepAlive = false;
  const extra = extraNames(connection.others);
  if (extra !== undefined) kept = dropNamed(kept, extra);
  return { status, keepAlive, framing, forwardHead: kept };
}

/** The three digits after `HTTP/1.x `, or -1 if they are not three digits. */
function statusCode(text: string): number {
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    status = status * 10 + d;
  }
  return status;
}
