// Writes a chart's files under a directory (the chart's own folder).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TargetError } from '../../errors.ts';
import type { OnProgress } from '../../progress.ts';
import type { ChartFiles } from './chart.ts';

export async function writeChart(files: ChartFiles, dir: string, opts: { onProgress?: OnProgress } = {}): Promise<string[]> {
  try {
    const written: string[] = [];
    for (const [rel, text] of Object.entries(files)) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      written.push(path);
      opts.onProgress?.({ kind: 'file', path });
    }
    return written;
  } catch (err) {
    throw TargetError.from(err, 'io');
  }
}
