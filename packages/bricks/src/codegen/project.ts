// `bricks gen` for one project folder: its tools, its plan, then buf.
import { packageManagerOf, workspaceRoot } from '../artifacts/index.ts';
import type { PackageManager } from '../artifacts/index.ts';
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

/** The command that adds dev dependencies to the project, in the words of the workspace's package manager. */
export function installDevCommand(dir: string, packages: readonly string[]): string {
  const add: Record<PackageManager, string> = { npm: 'npm install --save-dev', pnpm: 'pnpm add --save-dev', yarn: 'yarn add --dev' };
  return `cd ${dir} && ${add[packageManagerOf(workspaceRoot(dir))]} ${packages.join(' ')}`;
}

