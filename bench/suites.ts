// The list of benchmark suites, in the order RESULTS.md shows them.
import type { BenchSuite } from './suite.ts';

export const suites: readonly BenchSuite[] = [];
