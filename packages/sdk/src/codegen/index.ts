// Code generation from .proto contracts (used by `bricks gen`).
export { generate, bufGenYaml } from './generate.ts';
export type { GenerateOptions, GenerateResult } from './generate.ts';
