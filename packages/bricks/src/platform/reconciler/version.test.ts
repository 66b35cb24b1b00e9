// The version helpers: a restart token makes a new version that still names its spec version.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVersionOf, withRestartToken } from './index.ts';

describe('versions', () => {
  it('a restart token makes another version of the same spec', () => {
    assert.equal(withRestartToken('abc', 0), 'abc');
    const restarted = withRestartToken('abc', 2);
    assert.notEqual(restarted, 'abc');
    assert.equal(isVersionOf(restarted, 'abc'), true);
    assert.equal(isVersionOf('abc', 'abc'), true);
    assert.equal(isVersionOf('abcd', 'abc'), false, 'a longer digest is another version');
    assert.equal(isVersionOf('abc', null), false);
    assert.equal(isVersionOf('abc', undefined), false);
  });
});
