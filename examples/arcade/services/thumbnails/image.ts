// Pixel buffers and the two formats thumbnails reads and writes: binary PPM (P6, 8 bits per
// sample; it carries its own size) and raw RGBA (the size comes beside it). Pure, no I/O.

export interface Image {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA) bytes per pixel. */
  readonly channels: 3 | 4;
  /** Rows top to bottom, `width * channels` bytes each. */
  readonly pixels: Uint8Array;
}

export type Decoded = { readonly ok: true; readonly image: Image } | { readonly ok: false; readonly problem: string };

export const PPM = 'image/x-portable-pixmap';
export const RGBA = 'image/x-rgba';
export type Format = typeof PPM | typeof RGBA;

// 16 megapixels (a 4096x4096 cover) bounds the memory one request can take: 64 MiB as RGBA.
export const MAX_PIXELS = 16 * 1024 * 1024;

export function formatOf(contentType: string): Format | undefined {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type === PPM || type === RGBA ? type : undefined;
}

function sized(width: number, height: number, channels: 3 | 4, bytes: Uint8Array): Decoded {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return { ok: false, problem: `bad image size ${width}x${height}` };
  if (width * height > MAX_PIXELS) return { ok: false, problem: `image has more than ${MAX_PIXELS} pixels` };
  const expected = width * height * channels;
  if (bytes.length !== expected) return { ok: false, problem: `expected ${expected} bytes of pixels for ${width}x${height}, got ${bytes.length}` };
  return { ok: true, image: { width, height, channels, pixels: bytes } };
}

export function decodeRgba(bytes: Uint8Array, width: number, height: number): Decoded {
  return sized(width, height, 4, bytes);
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Netpbm's P6: `P6`, width, height, maxval as ASCII separated by whitespace or `#` comments, one whitespace byte, then the samples. */
export function decodePpm(bytes: Uint8Array): Decoded {
  let at = 0;
  const token = (): string | undefined => {
    for (;;) {
      while (at < bytes.length && WHITESPACE.has(bytes[at] ?? 0)) at++;
      if (bytes[at] !== 0x23) break;
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < bytes.length && !WHITESPACE.has(bytes[at] ?? 0) && bytes[at] !== 0x23) at++;
    return at > start && at - start <= 10 ? Buffer.from(bytes.subarray(start, at)).toString('latin1') : undefined;
  };
  if (token() !== 'P6') return { ok: false, problem: 'not a binary PPM (P6)' };
  const [w, h, max] = [token(), token(), token()].map((t) => (t !== undefined && /^\d+$/.test(t) ? Number(t) : NaN));
  if (max !== 255) return { ok: false, problem: 'only PPMs with maxval 255 are supported' };
  if (!WHITESPACE.has(bytes[at] ?? -1)) return { ok: false, problem: 'truncated PPM header' };
  return sized(w ?? NaN, h ?? NaN, 3, bytes.subarray(at + 1));
}

export function encodePpm(image: Image): Uint8Array {
  const rgb = image.channels === 3 ? image.pixels : dropAlpha(image.pixels);
  const header = Buffer.from(`P6\n${image.width} ${image.height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + rgb.length);
  out.set(header, 0);
  out.set(rgb, header.length);
  return out;
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i] ?? 0;
    out[j + 1] = rgba[i + 1] ?? 0;
    out[j + 2] = rgba[i + 2] ?? 0;
  }
  return out;
}
