// `bricks gen` for one project folder: its tools, its plan, then buf.
import { generate, render } from './generate.ts';
import type { GenReport } from './generate.ts';
import { planFor } from './plan.ts';
import type { GenPlan } from './plan.ts';
import { findTools } from './tools.ts';
import type { Tools } from './tools.ts';

export interface ProjectGen extends GenReport {
  readonly plan: GenPlan;
  readonly tools: Tools;
}

export async function generateProject(dir: string): Promise<ProjectGen> {
  const plan = planFor(dir);
  const tools = findTools(dir, (packages) => installDevCommand(dir, packages));
  return { plan, tools, ...(await generate(plan, tools)) };
}

/** What the project's generated files would be, by absolute path, without writing them (for checks). */
export async function renderProject(dir: string): Promise<Map<string, Buffer>> {
  const plan = planFor(dir);
  return render(plan, findTools(dir, (packages) => installDevCommand(dir, packages)));
}

function installDevCommand(dir: string, packages: readonly string[]): string {
  return `cd ${dir} && npm install --save-dev ${packages.join(' ')}`;
}
