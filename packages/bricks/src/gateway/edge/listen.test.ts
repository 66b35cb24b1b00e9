// listen(): plain HTTP by default, HTTPS from PEM files, with a self-signed certificate made in
// the test by the openssl CLI (skipped where it is missing, required where CI=true).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EdgeError } from './errors.ts';
import { listen } from './listen.ts';

const hello = (_req: unknown, res: { end(body: string): void }): void => res.end('hello');

const opensslMissing = spawnSync('openssl', ['version']).status !== 0;
if (opensslMissing && process.env['CI'] === 'true') throw new Error('the TLS test needs the openssl CLI (Debian: apt-get install openssl)');

test('plain HTTP by default', async () => {
  const l = await listen(hello, { port: 0, host: '127.0.0.1' });
  try {
    assert.match(l.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await (await fetch(l.url)).text(), 'hello');
  } finally {
    await l.close();
  }
});

test('HTTPS from a certificate and key file', { skip: opensslMissing ? 'openssl is missing: cannot make a test certificate' : false }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-edge-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const l = await listen(hello, { port: 0, host: '127.0.0.1', tls: { cert, key } });
  t.after(() => l.close());
  assert.match(l.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(l.url, { ca: readFileSync(cert) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(body, 'hello');
});

test('a missing or non-PEM file is refused, naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-edge-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const junk = join(dir, 'junk.pem');
  writeFileSync(junk, 'not a certificate');
  await assert.rejects(listen(hello, { port: 0, tls: { cert: join(dir, 'nope.pem'), key: junk } }), (e: unknown) => e instanceof EdgeError && e.code === 'tls-invalid' && e.message.includes('nope.pem'));
  await assert.rejects(listen(hello, { port: 0, tls: { cert: junk, key: junk } }), (e: unknown) => e instanceof EdgeError && /tls\.cert: .*junk\.pem is not a PEM file/.test(e.message));
});
