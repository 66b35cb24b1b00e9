// The dashboard's two HTML documents: the app's shell (which loads the one JS and CSS asset and
// carries the session's CSRF token) and the login page. Neither holds the API token.

export const ASSET_JS = '/assets/dashboard.js';
export const ASSET_CSS = '/assets/dashboard.css';
import { CSRF_META_NAME } from './ui/names.ts';

/** Where the page finds the CSRF token it sends back (ui/api.ts reads it). */
export const CSRF_META = CSRF_META_NAME;

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function shellPage(stack: string, csrf: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${CSRF_META}" content="${escape(csrf)}">
<meta name="color-scheme" content="light dark">
<title>${escape(stack)} · bricks</title>
<link rel="stylesheet" href="${ASSET_CSS}">
</head>
<body>
<div id="app" data-stack="${escape(stack)}"><p class="loading">Loading the dashboard…</p></div>
<script type="module" src="${ASSET_JS}"></script>
</body>
</html>
`;
}

/** `problem`: why the visitor sees it (no session, a spent code). */
export function loginPage(stack: string, problem: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Log in · ${escape(stack)} · bricks</title>
<link rel="stylesheet" href="${ASSET_CSS}">
</head>
<body>
<main class="login" id="login">
<h1>bricks dashboard: ${escape(stack)}</h1>
<p role="alert">${escape(problem)}</p>
<p>Run <code>bricks dashboard</code> in the project to get a new login link. A link works once, for five minutes.</p>
</main>
</body>
</html>
`;
}
