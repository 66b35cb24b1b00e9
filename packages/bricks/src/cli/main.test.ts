// The command line's own conventions, through the real `bricks` launcher.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';

const BIN = new URL('../../bin/bricks.js', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version and -V print the bricks package version, and nothing else', async () => {
  for (const flag of ['--version', '-V']) {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, flag]);
    assert.equal(stdout, `${version}\n`, flag);
    assert.equal(stderr, '', flag);
  }
});
