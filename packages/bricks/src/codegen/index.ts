// TypeScript from a project's .proto contracts, with the project's own buf and protoc-gen-es:
// what `bricks gen` runs.
export { generateProject, renderProject } from './project.ts';
export type { ProjectGen } from './project.ts';
export { describeProject, projectOpenApi, writeOpenApi } from './openapi.ts';
export { CodegenError } from './errors.ts';
export type { CodegenErrorCode } from './errors.ts';
export type { GenPlan } from './plan.ts';
export type { Tool, Tools } from './tools.ts';
