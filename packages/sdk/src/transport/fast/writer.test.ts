// FrameWriter's coalescing and back-pressure, against an in-memory stand-in for a socket.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { FrameWriter } from './writer.ts';

class FakeSocket extends EventEmitter {
  writes: Buffer[] = [];
  full = false;
  destroyed = false;
  ended = false;
  write(chunk: Buffer): boolean {
    this.writes.push(Buffer.from(chunk));
    return !this.full;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {
    this.ended = true;
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('frames of one turn go out in one write', async () => {
  const socket = new FakeSocket();
  const writer = new FrameWriter(socket as unknown as Socket);
  const seqs = [writer.write(Buffer.from('a')), writer.write(Buffer.from('bc')), writer.write(Buffer.from('d'))];
  assert.deepEqual(seqs, [1, 2, 3]);
  assert.equal(writer.wasWritten(1), false);
  await turn();
  assert.deepEqual(socket.writes.map(String), ['abcd']);
  assert.equal(writer.wasWritten(3), true);
});

test('after write() returns false nothing more is written until drain', async () => {
  const socket = new FakeSocket();
  const pressure: boolean[] = [];
  const writer = new FrameWriter(socket as unknown as Socket, { onPressure: (full) => pressure.push(full) });
  socket.full = true;
  writer.write(Buffer.from('1'));
  await turn();
  assert.deepEqual(pressure, [true]);
  const seq = writer.write(Buffer.from('2'));
  writer.write(Buffer.from('3'));
  await turn();
  await turn();
  assert.deepEqual(socket.writes.map(String), ['1']);
  assert.equal(writer.wasWritten(seq), false);
  assert.equal(writer.pendingBytes, 2);
  socket.full = false;
  socket.emit('drain');
  assert.deepEqual(pressure, [true, false]);
  assert.deepEqual(socket.writes.map(String), ['1', '23']);
  assert.equal(writer.wasWritten(seq), true);
});

test('a writer that starts blocked holds frames until unblock; end flushes then ends', async () => {
  const socket = new FakeSocket();
  const writer = new FrameWriter(socket as unknown as Socket, { startBlocked: true });
  writer.write(Buffer.from('pre'));
  await turn();
  assert.equal(socket.writes.length, 0);
  writer.unblock();
  assert.deepEqual(socket.writes.map(String), ['pre']);
  writer.write(Buffer.from('last'));
  writer.end();
  assert.deepEqual(socket.writes.map(String), ['pre', 'last']);
  assert.equal(socket.ended, true);
  const after = writer.write(Buffer.from('dropped'));
  await turn();
  assert.equal(writer.wasWritten(after), false);
  assert.equal(socket.writes.length, 2);
});
