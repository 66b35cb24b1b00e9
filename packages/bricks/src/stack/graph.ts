// Checks depends_on across services: every target exists, and there are no cycles.
import type { Dependency } from './model.ts';
import type { Problems } from './problems.ts';
import type { DependencyRef } from './service.ts';

/** Returns each service's checked dependencies; problems go to `problems`. */
export function checkDependencies(
  deps: ReadonlyMap<string, readonly DependencyRef[]>,
  problems: Problems,
): Map<string, Dependency[]> {
  const names = [...deps.keys()];
  const kept = new Map<string, DependencyRef[]>();
  for (const [name, list] of deps) {
    const ok: DependencyRef[] = [];
    for (const d of list) {
      if (deps.has(d.service)) {
        ok.push(d);
        continue;
      }
      const message = `service "${name}" depends on "${d.service}", which is not a service in this stack; services are ${names.join(', ')}`;
      if (d.required) problems.error('reference', d.pos, d.path, message);
      else problems.warn('reference', d.pos, d.path, `${message} (ignored: required is false)`);
    }
    kept.set(name, ok);
  }
  reportCycles(kept, problems);
  const out = new Map<string, Dependency[]>();
  for (const [name, list] of kept) out.set(name, list.map((d) => ({ service: d.service, condition: d.condition })));
  return out;
}

/**
 * Depth-first search in file order; each cycle is reported once, as a path such as
 * `a -> b -> a`, at the depends_on entry that closes it.
 */
function reportCycles(graph: ReadonlyMap<string, readonly DependencyRef[]>, problems: Problems): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of graph.get(name) ?? []) {
      const s = state.get(d.service);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(d.service)), d.service];
        problems.error('cycle', d.pos, d.path, `depends_on forms a cycle: ${cycle.join(' -> ')}; services cannot wait for each other`);
      } else if (s === undefined) {
        visit(d.service);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of graph.keys()) if (!state.has(name)) visit(name);
}
