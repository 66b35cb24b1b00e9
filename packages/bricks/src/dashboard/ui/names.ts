// Names the page shares with the daemon's side of the dashboard (guard.ts and pages.ts import
// them): a file with no imports, so both sides take it as it is.
export const CSRF_HEADER_NAME = 'x-bricks-csrf';
export const CSRF_META_NAME = 'bricks-csrf';
