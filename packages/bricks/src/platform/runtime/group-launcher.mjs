// The process of an `x-bricks.group` replica: imports every member service's entry module in
// this one process, so their SDK servers share the port and their clients call each other
// in-process. BRICKS_GROUP_ENTRIES is a JSON array of absolute module paths (or file URLs).
// Plain JavaScript run by node itself (a group of built artifacts has no TypeScript loader), so
// it takes the variable's name from the SDK's plain-JavaScript module, by package name.
import { pathToFileURL } from 'node:url';
import { GROUP_ENTRIES_VARIABLE } from '@bricks/sdk/platform-env';

const entries = JSON.parse(process.env[GROUP_ENTRIES_VARIABLE] ?? '[]');
if (!Array.isArray(entries) || entries.length === 0) {
  console.error(`bricks group launcher: ${GROUP_ENTRIES_VARIABLE} names no entry module`);
  process.exit(2);
}
for (const entry of entries) {
  // One after another: each entry's serve() joins the server the first one opened.
  await import(entry.startsWith('file:') ? entry : pathToFileURL(entry).href);
}
