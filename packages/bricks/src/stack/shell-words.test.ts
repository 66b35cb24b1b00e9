import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitShellWords } from './shell-words.ts';

function argv(line: string): string[] {
  const r = splitShellWords(line);
  assert.ok(r.ok, line);
  return r.argv;
}

test('splits on blanks and groups quoted words, like Compose', () => {
  assert.deepEqual(argv('node server.js --port 8080'), ['node', 'server.js', '--port', '8080']);
  assert.deepEqual(argv(`echo "hello world" 'it''s' ""`), ['echo', 'hello world', 'its', '']);
  assert.deepEqual(argv('a\\ b "c\\"d" \'e\\f\''), ['a b', 'c"d', 'e\\f']);
  assert.deepEqual(argv('  spaced\t\tout  '), ['spaced', 'out']);
  assert.deepEqual(argv('echo $HOME'), ['echo', '$HOME']);
  assert.deepEqual(argv(''), []);
});

test('reports shell syntax, unclosed quotes and a trailing backslash', () => {
  const bad = splitShellWords('npm run build && npm start');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /shell syntax \("&"\).*\["sh", "-c", "\.\.\."\]/);
  assert.equal(splitShellWords('echo "a | b"').ok, true);
  assert.equal(splitShellWords('echo "open').ok, false);
  assert.equal(splitShellWords('echo \\').ok, false);
});
