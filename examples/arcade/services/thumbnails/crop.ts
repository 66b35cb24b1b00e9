// The thumbnail: the centred width x height window of an image (no scaling), pure TS.
import type { Image } from './image.ts';

/** Crops to the centre; a side larger than the image's is clamped to it. */
export function cropCentre(image: Image, width: number, height: number): Image {
  const w = Math.min(width, image.width);
  const h = Math.min(height, image.height);
  const left = Math.floor((image.width - w) / 2);
  const top = Math.floor((image.height - h) / 2);
  const stride = image.width * image.channels;
  const rowBytes = w * image.channels;
  const pixels = new Uint8Array(rowBytes * h);
  for (let y = 0; y < h; y++) {
    const from = (top + y) * stride + left * image.channels;
    pixels.set(image.pixels.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: w, height: h, channels: image.channels, pixels };
}
