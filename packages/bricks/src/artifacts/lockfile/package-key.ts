// Which installed package a path under node_modules belongs to: the folder after the last
// node_modules (two folders for a scoped name). Every layout puts a package's files there.

/** `a/node_modules/@s/x/lib/y.js` → `a/node_modules/@s/x`; undefined outside node_modules. */
export function packageKeyOf(relPath: string): string | undefined {
  const parts = relPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]?.startsWith('@') === true;
  const end = at + (scoped ? 3 : 2);
  if (end > parts.length) return undefined;
  return parts.slice(0, end).join('/');
}
