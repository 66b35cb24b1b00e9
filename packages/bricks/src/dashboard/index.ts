// The web dashboard, served by the daemon on its control API's loopback port: sessions opened by
// one-time login links, and the Preact app in ui/ (bundled by esbuild, see ui-bundle.mjs).
export { Dashboard, LOGIN_PATH, LOGOUT_PATH } from './web.ts';
export type { DashboardOptions } from './web.ts';
export { buildAssets, loadAssets } from './assets.ts';
export type { Assets } from './assets.ts';

// For tests and the package build:
export { Sessions, LOGIN_CODE_TTL_MS, SESSION_TTL_MS } from './sessions.ts';
export type { LoginCode, Session } from './sessions.ts';
export { CSRF_HEADER, checkRequest } from './guard.ts';
export type { Verdict } from './guard.ts';
