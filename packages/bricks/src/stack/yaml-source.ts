// Parses YAML text into the located tree (node.ts). Resolves aliases and `<<` merge keys here,
// and reports syntax errors and duplicate keys with their line and column.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { childPath, itemPath } from './node.ts';
import type { Entry, Node, Pos } from './node.ts';
import type { Problems } from './problems.ts';

const MERGE_KEY = '<<';

/** null when the text is not usable YAML (the reasons are in `problems`). */
export function parseYaml(text: string, problems: Problems, file = problems.file): Node | null {
  const lineCounter = new LineCounter();
  // uniqueKeys and merge are off because duplicates and `<<` are handled below, where the
  // key path is known, so the message can say which map has the duplicate.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: false, prettyErrors: false });
  const at = (offset: number): Pos => lineCounter.linePos(offset);
  for (const e of doc.errors) problems.error('syntax', at(e.pos[0]), '', `YAML syntax: ${e.message}`, file);
  for (const w of doc.warnings) problems.warn('syntax', at(w.pos[0]), '', `YAML: ${w.message}`, file);
  if (doc.errors.length > 0) return null;
  const converter = new Converter(doc, at, problems, file);
  return doc.contents === null ? null : converter.convert(doc.contents, '', { line: 1, col: 1 });
}

class Converter {
  /** Nodes being converted right now, to catch an alias that points at its own ancestor. */
  private readonly active = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number) => Pos,
    private readonly problems: Problems,
    private readonly file: string,
  ) {}

  private pos(node: unknown, fallback: Pos): Pos {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.at(range[0]) : fallback;
  }

  convert(raw: unknown, path: string, fallback: Pos): Node {
    const pos = this.pos(raw, fallback);
    if (raw === null || raw === undefined) return { kind: 'scalar', pos, value: null, interpolated: false };
    if (isAlias(raw)) {
      const target = raw.resolve(this.doc);
      if (target === undefined) {
        this.problems.error('syntax', pos, path, `unknown alias *${raw.source}`, this.file);
        return { kind: 'scalar', pos, value: null, interpolated: false };
      }
      return this.convert(target, path, pos);
    }
    if (this.active.has(raw)) {
      this.problems.error('syntax', pos, path, 'an alias refers to a node that contains it (a loop)', this.file);
      return { kind: 'scalar', pos, value: null, interpolated: false };
    }
    this.active.add(raw);
    try {
      if (isMap(raw)) return this.convertMap(raw.items, path, pos);
      if (isSeq(raw)) {
        return { kind: 'seq', pos, items: raw.items.map((item, i) => this.convert(item, itemPath(path, i), pos)) };
      }
      if (isScalar(raw)) {
        const v = raw.value;
        // The core schema only yields these; anything else (a custom tag) is kept as text.
        const value =
          v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
            ? v
            : typeof v === 'bigint'
              ? v.toString()
              : JSON.stringify(v);
        return { kind: 'scalar', pos, value, interpolated: false };
      }
      this.problems.error('syntax', pos, path, 'unsupported YAML node', this.file);
      return { kind: 'scalar', pos, value: null, interpolated: false };
    } finally {
      this.active.delete(raw);
    }
  }

  private convertMap(pairs: readonly { key: unknown; value: unknown }[], path: string, pos: Pos): Node {
    // Explicit keys win over merged ones, and an earlier merge source wins over a later one
    // (YAML merge-key semantics); merged entries sit where their `<<` was.
    const explicit = new Map<string, Pos>();
    const parts: (Entry | Entry[])[] = [];
    for (const pair of pairs) {
      const keyPos = this.pos(pair.key, pos);
      if (!isScalar(pair.key)) {
        this.problems.error('syntax', keyPos, path, 'map keys must be plain strings', this.file);
        continue;
      }
      if (pair.key.value === MERGE_KEY && pair.key.type === 'PLAIN') {
        parts.push(this.mergeSources(pair.value, path, keyPos));
        continue;
      }
      const key = String(pair.key.value);
      const first = explicit.get(key);
      if (first) {
        this.problems.error(
          'duplicate-key',
          keyPos,
          childPath(path, key),
          `duplicate key "${key}" (first defined at line ${first.line}); a key may appear once per map`,
          this.file,
        );
        continue;
      }
      explicit.set(key, keyPos);
      parts.push({ key, keyPos, value: this.convert(pair.value, childPath(path, key), keyPos) });
    }
    const seen = new Set(explicit.keys());
    const entries: Entry[] = [];
    for (const part of parts) {
      if (!Array.isArray(part)) {
        entries.push(part);
        continue;
      }
      for (const merged of part) {
        if (seen.has(merged.key)) continue;
        seen.add(merged.key);
        entries.push(merged);
      }
    }
    return { kind: 'map', pos, entries };
  }

  private mergeSources(value: unknown, path: string, keyPos: Pos): Entry[] {
    const sources = isSeq(value) ? value.items : [value];
    const out: Entry[] = [];
    for (const source of sources) {
      const node = this.convert(source, path, keyPos);
      if (node.kind !== 'map') {
        this.problems.error('type', node.pos, path, '`<<` merges maps only: expected an alias to a map', this.file);
        continue;
      }
      out.push(...node.entries);
    }
    // Within one `<<: [*a, *b]`, the first source wins.
    const firstWins = new Map<string, Entry>();
    for (const e of out) if (!firstWins.has(e.key)) firstWins.set(e.key, e);
    return [...firstWins.values()];
  }
}
