// Runs the benchmark suites side by side and rewrites bench/RESULTS.md with their sections,
// the command that produced them and the machine they ran on.
//   npm run bench                 every suite
//   npm run bench -- proxy rpc    only these (the other sections of RESULTS.md are kept)
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { suites } from './suites.ts';

const picked = process.argv.slice(2);
const unknown = picked.filter((p) => !suites.some((s) => s.name === p));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = picked.length === 0 ? suites : suites.filter((s) => picked.includes(s.name));
const resultsFile = new URL('./RESULTS.md', import.meta.url);

async function previousSections(): Promise<Map<string, string>> {
  const sections = new Map<string, string>();
  const text = await readFile(resultsFile, 'utf8').catch(() => '');
  for (const part of text.split(/^<!-- suite:/m).slice(1)) {
    const name = part.slice(0, part.indexOf(' -->'));
    sections.set(name, `<!-- suite:${part}`.trimEnd());
  }
  return sections;
}

const sections = await previousSections();
for (const suite of chosen) {
  console.log(`\n== ${suite.name}: ${suite.title}`);
  const started = Date.now();
  const body = await suite.run((line) => console.log(`  ${suite.name}: ${line}`));
  const command = `npm run bench -- ${suite.name}`;
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  sections.set(
    suite.name,
    `<!-- suite:${suite.name} -->\n## ${suite.title}\n\nCommand: \`${command}\` (or \`npm run bench\` for all), run ${stamp} UTC, took ${Math.round((Date.now() - started) / 1000)} s.\n\n${body.trim()}`,
  );
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const header = `# Benchmark results\n\nMachine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.\nEvery table compares bricks with its peer in the same run; ratios are bricks ÷ peer unless a column says otherwise.\n`;
const ordered = suites.map((s) => sections.get(s.name)).filter((s): s is string => s !== undefined);
await writeFile(resultsFile, `${header}\n${ordered.join('\n\n')}\n`);
console.log(`\nwrote ${resultsFile.pathname}`);
