// The stack file as a located tree: the YAML after aliases and `<<` merges are resolved,
// with every key and value still knowing its line and column, so problems can point at them.

export interface Pos {
  /** 1-based. */
  readonly line: number;
  readonly col: number;
}

export type ScalarValue = string | number | boolean | null;

export type Node =
  | { readonly kind: 'map'; readonly pos: Pos; readonly entries: readonly Entry[] }
  | { readonly kind: 'seq'; readonly pos: Pos; readonly items: readonly Node[] }
  | {
      readonly kind: 'scalar';
      readonly pos: Pos;
      readonly value: ScalarValue;
      /** The value came out of `${...}` interpolation, so a string may stand for a number or boolean. */
      readonly interpolated: boolean;
    };

export interface Entry {
  readonly key: string;
  readonly keyPos: Pos;
  readonly value: Node;
}

export type MapNode = Extract<Node, { kind: 'map' }>;
export type SeqNode = Extract<Node, { kind: 'seq' }>;
export type ScalarNode = Extract<Node, { kind: 'scalar' }>;

export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function entry(map: MapNode, key: string): Entry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** Plain JSON-able data, for the parts of the file bricks keeps whole (`service.compose`). */
export function toPlain(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = toPlain(e.value);
      return out;
    }
  }
}

/** How a value reads in a message: `a list`, `the string "three"`, `the number -1`. */
export function describe(node: Node): string {
  switch (node.kind) {
    case 'map':
      return 'a map';
    case 'seq':
      return 'a list';
    case 'scalar': {
      const v = node.value;
      if (v === null) return 'nothing (null)';
      if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
      if (typeof v === 'number') return `the number ${v}`;
      return `the boolean ${v}`;
    }
  }
}

/** A key path from its segments: ['services', 'a', 'ports', 0] → `services.a.ports[0]`. */
export function pathOf(segments: readonly (string | number)[]): string {
  let path = '';
  for (const s of segments) path = typeof s === 'number' ? itemPath(path, s) : childPath(path, s);
  return path;
}

/**
 * The node at a key path, and where its key is written (for a map entry): what a problem
 * found on the plain data (the Compose schema, zod) points at. undefined when the path leaves
 * the tree.
 */
export function nodeAt(root: Node, segments: readonly (string | number)[]): { readonly node: Node; readonly keyPos: Pos | undefined } | undefined {
  let node: Node = root;
  let keyPos: Pos | undefined;
  for (const s of segments) {
    if (node.kind === 'map') {
      const e = node.entries.find((x) => x.key === String(s));
      if (e === undefined) return undefined;
      node = e.value;
      keyPos = e.keyPos;
    } else if (node.kind === 'seq') {
      const item = node.items[Number(s)];
      if (item === undefined) return undefined;
      node = item;
      keyPos = undefined;
    } else {
      return undefined;
    }
  }
  return { node, keyPos };
}
