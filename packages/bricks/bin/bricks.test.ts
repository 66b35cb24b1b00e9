// The launcher runs the same CLI from the bundle as through tsx (its fallback).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const BIN = new URL('./bricks.js', import.meta.url).pathname;

function help(env: Record<string, string>): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BRICKS_DEBUG: '1', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

describe('bin/bricks.js', () => {
  it('prints the same help from the bundle and from the sources', () => {
    const bundled = help({});
    const sources = help({ BRICKS_TSX: '1' });
    assert.match(bundled.stderr, /bricks: running .*\/\.cache\/cli\/[0-9a-f]{16}\/main\.js/);
    assert.doesNotMatch(sources.stderr, /running/);
    assert.match(bundled.stdout, /Usage: bricks/);
    assert.equal(bundled.stdout, sources.stdout);
  });
});
