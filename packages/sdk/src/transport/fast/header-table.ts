// Repeated request headers sent once per connection. A caller's bearer token and its service
// identity are ~900 bytes that are the same on every call of a connection; HTTP/2 compresses
// them with HPACK's dynamic table, and this is the same idea cut down to what the fast transport
// needs: the client sends such a header in full once, asking the server to keep it, and then
// as a 4-byte index. The server hands the kept string back, so the token verifier's cache sees
// the very same string on every call.
//
// The table is one-way (client → server, where the tokens travel) and bounded on both sides by
// the same byte budget with the same oldest-first eviction, so the client always knows what the
// server still holds. A client uses it only after the server said it can (see `TABLE_OFFER`):
// an older server, during a rolling update, keeps getting plain header blocks.
//
// Block format of a request frame with FLAG_HEADER_TABLE:
//   u16 count | count × (u8 op | ...)
//     op 0 literal:            u16 key length | key | u16 value length | value
//     op 1 literal, then keep: the same; the server keeps it under the next index
//     op 2 indexed:            u32 index of a kept entry
// References resolve against the table as it was before the block; the block's new entries are
// kept after it, in order (so a reference can never meet an entry evicted by the same block).
import type { Headers } from './frame.ts';

/** Both sides' budget: 64 KiB holds dozens of tokens (HPACK's default is 4 KiB; tokens are bigger). */
export const TABLE_BYTES = 64 * 1024;
/** Per-entry overhead in the budget, as HPACK counts it (RFC 7541 §4.1). */
export const ENTRY_OVERHEAD_BYTES = 32;
/** Shorter values are cheaper to send than to look up. A JWT is several hundred characters. */
export const MIN_INDEXED_CHARS = 64;
/**
 * The client's offer (a request header) and the server's answer (the same header on a response).
 * Reserved like the SDK's other `bricks-` headers: neither reaches user code.
 */
export const TABLE_OFFER = 'bricks-fast-table';
export const TABLE_VERSION = '1';
/** Values seen once are remembered up to this many, then forgotten together (bounded memory). */
const SEEN_LIMIT = 256;

export const HeaderOp = { literal: 0, keep: 1, indexed: 2 } as const;

interface Kept {
  readonly key: string;
  readonly value: string;
  readonly size: number;
  readonly index: number;
}

function entrySize(key: string, value: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(value) + ENTRY_OVERHEAD_BYTES;
}

/** One entry of a planned block: a literal (maybe to keep), or a reference. */
export type PlannedHeader =
  | { readonly op: typeof HeaderOp.literal | typeof HeaderOp.keep; readonly key: string; readonly value: string }
  | { readonly op: typeof HeaderOp.indexed; readonly index: number };

/**
 * The client's side. A value is kept only on its second sighting, so values that change on
 * every call (a traceparent) never churn the table and evict the tokens.
 */
export class HeaderTableEncoder {
  #enabled = false;
  readonly #byKey = new Map<string, Map<string, Kept>>();
  readonly #fifo: Kept[] = [];
  #bytes = 0;
  #next = 0;
  #seen = new Set<string>();
  #pending: readonly PlannedHeader[] | undefined;

  /** The server answered the offer: header blocks may use the table from now on. */
  get enabled(): boolean {
    return this.#enabled;
  }

  enable(): void {
    this.#enabled = true;
  }

  /**
   * Plans a block for `flat` ([k, v, k, v, ...]). Nothing changes until `commit()`, which the
   * connection calls once the frame will really be written (an oversized one is not).
   */
  plan(flat: readonly string[]): readonly PlannedHeader[] {
    const out: PlannedHeader[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i]!;
      const value = flat[i + 1]!;
      if (value.length < MIN_INDEXED_CHARS) {
        out.push({ op: HeaderOp.literal, key, value });
        continue;
      }
      const kept = this.#byKey.get(key)?.get(value);
      if (kept !== undefined) {
        out.push({ op: HeaderOp.indexed, index: kept.index });
      } else if (this.#seen.has(value) && entrySize(key, value) <= TABLE_BYTES) {
        out.push({ op: HeaderOp.keep, key, value });
      } else {
        if (this.#seen.size >= SEEN_LIMIT) this.#seen = new Set();
        this.#seen.add(value);
        out.push({ op: HeaderOp.literal, key, value });
      }
    }
    this.#pending = out;
    return out;
  }

  /** Applies the last plan's new entries, evicting the oldest as the server will. */
  commit(): void {
    const plan = this.#pending;
    this.#pending = undefined;
    if (plan === undefined) return;
    for (const h of plan) {
      if (h.op !== HeaderOp.keep) continue;
      const kept: Kept = { key: h.key, value: h.value, size: entrySize(h.key, h.value), index: this.#next++ };
      this.#seen.delete(h.value);
      this.#bytes += kept.size;
      this.#fifo.push(kept);
      let values = this.#byKey.get(kept.key);
      if (values === undefined) this.#byKey.set(kept.key, (values = new Map<string, Kept>()));
      values.set(kept.value, kept);
      while (this.#bytes > TABLE_BYTES) {
        const old = this.#fifo.shift()!;
        this.#bytes -= old.size;
        const vs = this.#byKey.get(old.key);
        vs?.delete(old.value);
        if (vs?.size === 0) this.#byKey.delete(old.key);
      }
    }
  }
}

/** The server's side: what the client asked it to keep, within the same budget. */
export class HeaderTableDecoder {
  readonly #entries: Kept[] = [];
  #bytes = 0;
  #next = 0;

  /** The kept entry with this index, or undefined when the client named one it never kept (or was evicted). */
  lookup(index: number): Kept | undefined {
    const first = this.#entries[0];
    if (first === undefined) return undefined;
    return this.#entries[index - first.index];
  }

  /** Keeps an entry the client marked; false when it exceeds the budget on its own (a protocol error). */
  keep(key: string, value: string): boolean {
    const size = entrySize(key, value);
    if (size > TABLE_BYTES) return false;
    this.#entries.push({ key, value, size, index: this.#next++ });
    this.#bytes += size;
    while (this.#bytes > TABLE_BYTES) this.#bytes -= this.#entries.shift()!.size;
    return true;
  }
}

/**
 * Removes the offer or its answer from headers that reach user code; true when it named the
 * version this side speaks (an unknown later version is treated as no offer).
 */
export function takeTableHeader(headers: Headers): boolean {
  const value = headers[TABLE_OFFER];
  if (value === undefined) return false;
  delete headers[TABLE_OFFER];
  return value === TABLE_VERSION;
}
