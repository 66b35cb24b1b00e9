// The append-only outcome log, `outcomes.jsonl`: one JSON object per line. A crash can tear
// only the last line (one write per record); readers skip a torn tail, and the next writer
// cuts it off before appending so a torn line never ends up in the middle.
import { open, readFile, truncate } from 'node:fs/promises';
import { z } from 'zod';
import { appendDurable, syncDir } from './durable-file.ts';
import type { OutcomeRecord } from './model.ts';

const recordSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.number().int().positive(), at: z.string(), kind: z.literal('started') }),
  z.object({ id: z.number().int().positive(), at: z.string(), kind: z.literal('completed') }),
  z.object({ id: z.number().int().positive(), at: z.string(), kind: z.literal('failed'), reason: z.string() }),
  z.object({
    id: z.number().int().positive(),
    at: z.string(),
    kind: z.literal('rolled-back'),
    reason: z.string().optional(),
    to: z.number().int().positive().optional(),
  }),
  z.object({ id: z.number().int().positive(), at: z.string(), kind: z.literal('interrupted'), reason: z.string().optional() }),
]);

export interface LogRead {
  readonly records: readonly OutcomeRecord[];
  /** A partial last line (no newline, not a whole record): what a crash mid-append leaves. */
  readonly tornTail: string | null;
  /** 1-based numbers of whole lines that are not records (damage; skipped). */
  readonly badLines: readonly number[];
}

export async function readLog(path: string): Promise<LogRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornTail: null, badLines: [] };
    throw err;
  }
  return parseLog(text);
}

export function parseLog(text: string): LogRead {
  const lines = text.split('\n');
  // Text ending in '\n' leaves '' last; anything else last is an unterminated line.
  const tail = lines.pop() ?? '';
  const records: OutcomeRecord[] = [];
  const badLines: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const record = parseRecord(line);
    if (record) records.push(record);
    else badLines.push(i + 1);
  });
  let tornTail: string | null = null;
  if (tail !== '') {
    // A record whose newline alone was lost is whole: keep it.
    const record = parseRecord(tail);
    if (record) records.push(record);
    else tornTail = tail;
  }
  return { records, tornTail, badLines };
}

function parseRecord(line: string): OutcomeRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the file end at a line boundary: a whole last record gets its newline, a torn one is
 * cut off. Returns the text removed (null if none). Call before the first append.
 */
export async function repairTail(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (text === '' || text.endsWith('\n')) return null;
  const cut = text.lastIndexOf('\n') + 1;
  const tail = text.slice(cut);
  if (parseRecord(tail)) {
    await appendDurable(path, '\n');
    return null;
  }
  await truncate(path, Buffer.byteLength(text.slice(0, cut)));
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tail;
}

export async function appendRecord(path: string, dir: string, record: OutcomeRecord, created: boolean): Promise<void> {
  await appendDurable(path, `${JSON.stringify(record)}\n`);
  // The first append creates the file: its directory entry must reach the disk too.
  if (created) await syncDir(dir);
}
