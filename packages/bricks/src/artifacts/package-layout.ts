// Where each external package goes in an artifact's node_modules, whatever layout the
// workspace has (npm's and yarn's hoisted tree, pnpm's store of symlinked folders): node,
// looking up from the bundle and then from each package's folder, must find the very version
// the workspace resolved. A package goes to the top if its name is free there, else under the
// package that needs it, as npm's own hoisting does.
import type { LockEntry } from './lockfile.ts';

/** A package as something requires it: by the name it is required by (an alias's own name, `"pg": "npm:pg-fork@1"`). */
export interface Required {
  readonly name: string;
  readonly entry: LockEntry;
}

/** Install paths in the artifact (`node_modules/a/node_modules/b`) → the package placed there. */
export function layOutPackages(roots: Iterable<Required>, dependenciesOf: (entry: LockEntry) => readonly Required[]): Map<string, LockEntry> {
  const placed = new Map<string, LockEntry>();
  const queue: string[] = [];
  for (const root of roots) {
    const at = `node_modules/${root.name}`;
    // Two versions under one name: the bundle's `import name` reaches one of them, the first.
    if (placed.has(at)) continue;
    placed.set(at, root.entry);
    queue.push(at);
  }
  // Breadth first: every folder a package's lookup passes through above it is settled before
  // that package's own dependencies are placed (only the top level still grows, and node looks
  // there last), so no later placement changes what an earlier one resolved to.
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    const entry = placed.get(at)!;
    for (const dep of dependenciesOf(entry)) {
      const lookup = lookupPath(at, dep.name);
      const found = lookup.find((p) => placed.has(p));
      if (found !== undefined && placed.get(found)!.key === dep.entry.key) continue;
      const target = found === undefined ? lookup[lookup.length - 1]! : lookup[0]!;
      placed.set(target, dep.entry);
      queue.push(target);
    }
  }
  return placed;
}

/** The folders node tries for `name` from the package at `at`, nearest first. */
function lookupPath(at: string, name: string): string[] {
  const out: string[] = [];
  for (let dir = at; ; ) {
    out.push(`${dir}/node_modules/${name}`);
    const cut = dir.lastIndexOf('/node_modules/');
    if (cut < 0) break;
    dir = dir.slice(0, cut);
  }
  out.push(`node_modules/${name}`);
  return out;
}
