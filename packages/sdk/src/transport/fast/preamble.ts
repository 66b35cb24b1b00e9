// The bytes that open every fast connection, so a shared port can tell it from HTTP/1.x,
// the HTTP/2 preface ("PRI * ...") and TLS (0x16) by its first byte alone.
export const FAST_PREAMBLE: Uint8Array = Uint8Array.of(
  0xb5, // not ASCII: no HTTP/1.x method, no h2 preface, no TLS record type starts with it
  0x62, 0x72, 0x6b, 0x66, 0x73, 0x74, // "brkfst"
  0x0d, // CR, so a text protocol that reads lines never sees a clean line
  0x01, // preamble version
);

/**
 * Whether a connection's first chunk belongs to the fast transport. A chunk shorter than the
 * preamble is judged by the bytes it has: the first byte already rules out HTTP and TLS, so a
 * matching prefix is accepted and the server checks the rest once it arrives. Empty: false.
 */
export function isFastPreamble(firstChunk: Uint8Array): boolean {
  if (firstChunk.length === 0) return false;
  const n = Math.min(firstChunk.length, FAST_PREAMBLE.length);
  for (let i = 0; i < n; i++) if (firstChunk[i] !== FAST_PREAMBLE[i]) return false;
  return true;
}
