// The process of an `x-bricks.group` replica: imports every member service's entry module in
// this one process, so their SDK servers share the port and their clients call each other
// in-process. BRICKS_GROUP_ENTRIES is a JSON array of absolute module paths (or file URLs).
import { pathToFileURL } from 'node:url';

const entries = JSON.parse(process.env.BRICKS_GROUP_ENTRIES ?? '[]');
if (!Array.isArray(entries) || entries.length === 0) {
  console.error('bricks group launcher: BRICKS_GROUP_ENTRIES names no entry module');
  process.exit(2);
}
for (const entry of entries) {
  // One after another: each entry's serve() joins the server the first one opened.
  await import(entry.startsWith('file:') ? entry : pathToFileURL(entry).href);
}
