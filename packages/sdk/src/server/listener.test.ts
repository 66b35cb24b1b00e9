import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniff } from './listener.ts';

const isFast = (b: Uint8Array): boolean => b[0] === 0xb5;

test('sniffing tells fast, h2c and HTTP/1.1 apart, waiting while the h2 preface is ambiguous', () => {
  assert.equal(sniff(Buffer.from([0xb5, 0x62]), isFast), 'fast');
  assert.equal(sniff(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), isFast), 'h2');
  assert.equal(sniff(Buffer.from('PRI * HT'), isFast), 'undecided');
  assert.equal(sniff(Buffer.from('P'), isFast), 'undecided');
  assert.equal(sniff(Buffer.from('POST /x HTTP/1.1\r\n'), isFast), 'http1');
  assert.equal(sniff(Buffer.from('GET /healthz HTTP/1.1\r\n'), isFast), 'http1');
  assert.equal(sniff(Buffer.alloc(0), isFast), 'undecided');
  assert.equal(sniff(Buffer.from([0xb5]), undefined), 'http1', 'without the fast transport it is just bytes');
});
