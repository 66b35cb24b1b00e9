// `bricks validate` and `bricks config`: read the stack file like `up` would, and say what it means.
import { stringify } from 'yaml';
import { stackToJson } from '../../stack/index.ts';
import type { GlobalOptions } from '../context.ts';
import { loadOrFail } from '../context.ts';

export async function validate(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options);
  const n = Object.keys(stack.services).length;
  if (options.json === true) console.log(JSON.stringify({ valid: true, file: stack.file, services: n }));
  else console.log(`${stack.file}: valid, ${n} service${n === 1 ? '' : 's'}`);
}

export async function config(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options);
  const doc = stackToJson(stack);
  console.log(options.json === true ? JSON.stringify(doc, null, 2) : stringify(doc));
}
