// The SDK's folders are layers: the imports between them (tests and testing/ aside: they sit on
// top) form no cycle, so each folder can be read, and replaced, knowing only those below it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
/** Helpers for tests, which import everything. */
const ABOVE_ALL = new Set(['testing']);

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'gen') sources(path, out);
    } else if (/\.(ts|js)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) && !entry.name.endsWith('.case.ts')) {
      out.push(path);
    }
  }
  return out;
}

const folderOf = (path: string): string | undefined => {
  const rel = relative(SRC, path);
  return rel.includes(sep) ? rel.split(sep)[0] : undefined;
};

/** folder → folder → one file-level import that makes the edge, for the message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (from === undefined || ABOVE_ALL.has(from)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!);
      const to = folderOf(target);
      if (to === undefined || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(SRC, file)} → ${relative(SRC, target)}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Map<string, string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    for (const next of graph.get(node)?.keys() ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the folders of packages/sdk/src import each other without a cycle', () => {
  const graph = folderGraph();
  assert.ok(graph.get('client')?.has('server'), 'the scan finds the imports');
  const cycle = findCycle(graph);
  const edges = cycle?.slice(1).map((to, i) => graph.get(cycle[i]!)!.get(to)!);
  assert.equal(cycle, undefined, `folder cycle ${cycle?.join(' → ')}:\n  ${edges?.join('\n  ')}`);
});
