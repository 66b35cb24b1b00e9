// Garbage in, no crash out: random, truncated and mutated frames against the decoder and a
// live server. Seeded, so a failure reproduces; the seed is in the assertion message.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { FrameDecoder } from './decoder.ts';
import { FastCode } from './errors.ts';
import { encodeCancel, encodeEnd, encodeError, encodeGoaway, encodeHead, encodeMessage, encodeRequest, encodeResponse, encodeWindow, HEADER_BYTES } from './frame.ts';
import { FAST_PREAMBLE } from './preamble.ts';
import { prng, startPair, until } from './test-support.ts';

const SEED = 0xb51c_f00d;

function bytes(rand: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** One well-formed frame of any type, with random ids, sizes and text. */
function validFrame(rand: () => number, streamId: number): Buffer {
  const payload = bytes(rand, Math.floor(rand() * 64));
  const headers = rand() < 0.5 ? {} : { [`k${Math.floor(rand() * 9)}`]: bytes(rand, 4).toString('hex') };
  switch (Math.floor(rand() * 7)) {
    case 0:
    case 1:
      return rand() < 0.8
        ? encodeRequest(streamId, Math.floor(rand() * 2000), Buffer.from('/fuzz.S/M'), headers, payload)
        : encodeRequest(streamId, Math.floor(rand() * 2000), Buffer.from('/fuzz.S/M'), headers, new Uint8Array(0), true);
    case 5: // the frames of a streaming call
      return [encodeMessage(streamId, payload), encodeEnd(streamId), encodeHead(streamId, headers), encodeWindow(streamId, 1 + Math.floor(rand() * 65_536))][Math.floor(rand() * 4)]!;
    case 2:
      return encodeResponse(streamId, headers, payload);
    case 3:
      return rand() < 0.5 ? encodeError(streamId, FastCode.INTERNAL, 'x', rand() < 0.5) : encodeCancel(streamId);
    default:
      return encodeGoaway(streamId, 0, 'bye');
  }
}

/** A byte stream that is broken in one of the ways a peer or a network could break it. */
function garbage(rand: () => number): Buffer {
  const frames: Buffer[] = [];
  const count = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < count; i++) frames.push(validFrame(rand, i + 1));
  const stream = Buffer.concat(frames);
  switch (Math.floor(rand() * 6)) {
    case 0: // flipped bytes
      for (let i = 0; i < 1 + rand() * 5; i++) stream[Math.floor(rand() * stream.length)] = Math.floor(rand() * 256);
      return stream;
    case 1: // cut anywhere
      return stream.subarray(0, Math.floor(rand() * stream.length));
    case 2: // huge length prefix
      stream.writeUInt32BE(rand() < 0.5 ? 0xffff_ffff : 0x7000_0000 + Math.floor(rand() * 0x0fff_ffff), 0);
      return stream;
    case 3: // pure noise
      return bytes(rand, 1 + Math.floor(rand() * 512));
    case 4: // a valid header whose length lies about the body
      stream.writeUInt32BE(Math.floor(rand() * 4096), 0);
      return stream;
    default: // valid frames followed by noise
      return Buffer.concat([stream, bytes(rand, Math.floor(rand() * 64))]);
  }
}

function chunks(rand: () => number, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const n = 1 + Math.floor(rand() * 300);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

test('decoder: thousands of broken streams never throw and never hold more than one frame', () => {
  const rand = prng(SEED);
  const maxFrame = 4096;
  let violations = 0;
  for (let i = 0; i < 5000; i++) {
    const decoder = new FrameDecoder(maxFrame);
    for (const c of chunks(rand, garbage(rand))) {
      let result;
      try {
        result = decoder.push(c, () => {});
      } catch (err) {
        assert.fail(`seed ${SEED} case ${i}: push threw ${String(err)}`);
      }
      assert.ok(decoder.bufferedBytes <= HEADER_BYTES + maxFrame + c.length, `seed ${SEED} case ${i}: buffered ${decoder.bufferedBytes}`);
      if (result !== undefined) {
        violations++;
        break;
      }
    }
  }
  // The generator is meant to break most streams; if it stopped doing so, the test says nothing.
  assert.ok(violations > 2000, `only ${violations} of 5000 streams were rejected`);
});

test('live server: broken connections are closed, memory stays bounded, other clients keep working', async (t) => {
  const { client, listener } = await startPair(t, async (_p, payload) => ({ payload }), { server: { maxFrameBytes: 16 * 1024 } });
  const rand = prng(SEED ^ 0x5eed);

  // A well-behaved client calls throughout, on its own connection.
  let good = 0;
  let stop = false;
  const steady = (async () => {
    while (!stop) {
      const r = await client.call('/fuzz.S/M', Buffer.from('ok'), { timeoutMs: 5000, headers: {} });
      assert.equal(Buffer.from(r.payload).toString(), 'ok');
      good++;
    }
  })();

  const heapBefore = process.memoryUsage().heapUsed;
  const connections = 600;
  const batch = 30;
  for (let start = 0; start < connections; start += batch) {
    const round: Promise<void>[] = [];
    for (let i = start; i < Math.min(connections, start + batch); i++) {
      const preamble = rand() < 0.9 ? Buffer.from(FAST_PREAMBLE) : bytes(rand, FAST_PREAMBLE.length);
      const data = Buffer.concat([preamble, garbage(rand)]);
      const parts = chunks(rand, data);
      round.push(
        new Promise<void>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port: listener.port });
          socket.on('error', () => {});
          socket.on('data', () => {});
          const giveUp = setTimeout(() => socket.destroy(), 5000);
          socket.once('close', () => {
            clearTimeout(giveUp);
            resolve();
          });
          socket.once('connect', () => {
            for (const p of parts) socket.write(p);
            // Half-close: a stream that is merely incomplete is then ended by the server too.
            socket.end();
          });
        }),
      );
    }
    await Promise.all(round);
  }
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

  const goodBefore = good;
  await until('steady client still served after the fuzz', () => good > goodBefore + 50);
  stop = true;
  await steady;
  await until('only the steady connection left', () => listener.server.connectionCount === 1);
  // 600 connections × (16 KiB frame limit + a chunk) would be ~10 MiB if every one leaked its buffer;
  // 64 MiB leaves room for the garbage collector's timing while still catching unbounded growth.
  assert.ok(heapGrowth < 64 * 1024 * 1024, `heap grew by ${Math.round(heapGrowth / 2 ** 20)} MiB`);
});
