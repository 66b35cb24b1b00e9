// Checks the names services refer to against the top-level sections, as Compose does: a
// secret, config, named volume or network a service uses must be declared at the top level.
import type { Problems } from './problems.ts';
import type { NameRef } from './service.ts';

export function checkReferences(refs: readonly NameRef[], declared: Readonly<Record<NameRef['kind'], readonly string[]>>, problems: Problems): void {
  for (const ref of refs) {
    const names = declared[ref.kind];
    // Every service is on the stack's default network without declaring it.
    if (names.includes(ref.name) || (ref.kind === 'networks' && ref.name === 'default')) continue;
    const what = ref.kind.slice(0, -1);
    const known = names.length > 0 ? `; the top-level ${ref.kind} are ${names.join(', ')}` : `; declare it under a top-level "${ref.kind}:" section`;
    problems.error('reference', ref.pos, ref.path, `${what} "${ref.name}" is not declared at the top level${known}`);
  }
}
