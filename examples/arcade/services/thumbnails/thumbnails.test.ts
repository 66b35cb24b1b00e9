// Cropping and the two image formats, then the RPC through the SDK (in-process) for its codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BricksError, client, serve } from '@bricks/sdk';
import { ThumbnailsService } from '../../gen/arcade/v1/thumbnails_pb.ts';
import { cropCentre } from './crop.ts';
import { decodePpm, encodePpm, PPM, RGBA, type Image } from './image.ts';
import { thumbnailsService } from './handlers.ts';

/** A w x h RGBA image whose pixel (x, y) is [x, y, 7, 255]: every crop is checkable by position. */
function grid(w: number, h: number): Image {
  const pixels = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([x, y, 7, 255], (y * w + x) * 4);
  return { width: w, height: h, channels: 4, pixels };
}

function at(img: Image, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return [...img.pixels.subarray(i, i + img.channels)];
}

test('cropCentre takes the centred window; odd margins leave the extra column or row on the right and bottom', () => {
  const thumb = cropCentre(grid(7, 5), 4, 2);
  assert.deepEqual([thumb.width, thumb.height], [4, 2]);
  assert.deepEqual(at(thumb, 0, 0), [1, 1, 7, 255]);
  assert.deepEqual(at(thumb, 3, 1), [4, 2, 7, 255]);
});

test('cropCentre clamps a window larger than the image to the image', () => {
  const thumb = cropCentre(grid(3, 2), 10, 1);
  assert.deepEqual([thumb.width, thumb.height], [3, 1]);
  assert.deepEqual(at(thumb, 0, 0), [0, 0, 7, 255]);
});

test('PPM: encode drops alpha, decode reads the header (comments included) and the samples back', () => {
  const ppm = encodePpm(grid(2, 2));
  assert.equal(Buffer.from(ppm.subarray(0, 11)).toString('latin1'), 'P6\n2 2\n255\n');
  const decoded = decodePpm(ppm);
  assert.ok(decoded.ok);
  assert.deepEqual([decoded.image.width, decoded.image.height, decoded.image.channels], [2, 2, 3]);
  assert.deepEqual(at(decoded.image, 1, 1), [1, 1, 7]);
  const commented = Buffer.concat([Buffer.from('P6 # a cover\n1 1\n255\n', 'latin1'), Buffer.from([9, 8, 7])]);
  const one = decodePpm(commented);
  assert.ok(one.ok);
  assert.deepEqual(at(one.image, 0, 0), [9, 8, 7]);
});

test('PPM: wrong magic, maxval, size or length are problems, not crashes', () => {
  const cases: [string, RegExp][] = [
    ['P3\n1 1\n255\n', /P6/],
    ['P6\n1 1\n65535\n', /maxval 255/],
    ['P6\n0 1\n255\n', /size/],
    ['P6\n2 2\n255\n\u0001\u0002', /expected 12 bytes/],
    ['P6\n2 2\n255', /truncated/],
  ];
  for (const [text, problem] of cases) {
    const r = decodePpm(Buffer.from(text, 'latin1'));
    assert.ok(!r.ok, text);
    assert.match(r.problem, problem, text);
  }
});

test('Crop RPC: RGBA in, RGBA out; PPM in, PPM out; bad input is invalid_argument', async (t) => {
  const server = await serve({ services: [thumbnailsService()], port: 0, host: '127.0.0.1', handleSignals: false, drainDelayMs: 0 });
  t.after(() => server.shutdown());
  const thumbnails = client(ThumbnailsService, { url: server.url });
  const src = grid(6, 4);

  const rgba = await thumbnails.crop({ image: src.pixels, contentType: RGBA, width: 2, height: 2, sourceWidth: 6, sourceHeight: 4 });
  assert.deepEqual([rgba.contentType, rgba.width, rgba.height, rgba.image.length], [RGBA, 2, 2, 16]);
  assert.deepEqual([...rgba.image.subarray(0, 4)], [2, 1, 7, 255]);

  const ppm = await thumbnails.crop({ image: encodePpm(src), contentType: PPM, width: 2, height: 2 });
  const decoded = decodePpm(ppm.image);
  assert.ok(decoded.ok);
  assert.deepEqual(at(decoded.image, 1, 1), [3, 2, 7]);

  for (const bad of [
    { image: src.pixels, contentType: 'image/png', width: 2, height: 2 },
    { image: src.pixels, contentType: RGBA, width: 2, height: 2, sourceWidth: 5, sourceHeight: 4 },
    { image: encodePpm(src), contentType: PPM, width: 0, height: 2 },
  ]) {
    await assert.rejects(thumbnails.crop(bad), (e: unknown) => e instanceof BricksError && e.code === 'invalid_argument');
  }
});
