// What one benchmark suite is: a name and a run that returns its section of RESULTS.md.
export interface BenchSuite {
  /** Short id used to pick suites: `npm run bench -- proxy rpc`. */
  readonly name: string;
  /** One line on what is compared with what. */
  readonly title: string;
  /** Runs the comparison side by side and returns a Markdown section (tables with ratios). */
  run(progress: (line: string) => void): Promise<string>;
}
