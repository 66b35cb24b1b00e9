// The bytes of a top-level `secrets:`/`configs:` entry, for the targets that hand them to an
// engine: its file, an environment variable, or inline content.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ValueSource } from '../stack/model.ts';
import { TargetError } from './errors.ts';

/** null for an `external` one (the engine already holds it). */
export function readSourceValue(
  kind: 'secrets' | 'configs',
  name: string,
  src: ValueSource,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): Buffer | null {
  switch (src.kind) {
    case 'file':
      try {
        return readFile(src.path);
      } catch (err) {
        throw new TargetError('unreadable-source', `${kind}.${name}: cannot read ${basename(src.path)}`, { cause: err });
      }
    case 'environment': {
      const v = process.env[src.variable];
      if (v === undefined) throw new TargetError('unreadable-source', `${kind}.${name}: environment variable ${src.variable} is not set`);
      return Buffer.from(v);
    }
    case 'content':
      return Buffer.from(src.content);
    case 'external':
      return null;
  }
}
