// Debian's Chromium for the dashboard's browser test, driven by puppeteer-core: required where
// CI=true (.ci/run installs it), skipped with a clear message elsewhere.
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): { bin: string } | { skip: string } {
  const bin = CANDIDATES.find((c) => existsSync(c));
  if (bin !== undefined) return { bin };
  assert.notEqual(process.env.CI, 'true', 'CI=true needs Chromium for the dashboard test: .ci/run installs Debian\'s chromium');
  return { skip: 'Chromium is not installed (apt-get install chromium); required where CI=true' };
}

export async function launchChromium(bin: string): Promise<Browser> {
  const { launch } = await import('puppeteer-core');
  return launch({
    executablePath: bin,
    headless: true,
    // As root (CI, these machines) Chromium refuses its sandbox; the pages are our own on loopback.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
    defaultViewport: { width: 1400, height: 1000 },
  });
}

/**
 * Runs `expression` in the page and returns its value. The tests' project has no DOM types (it is
 * Node's), so what runs in the page is written as text; `T` is what the expression yields.
 */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  // why: the value is the expression's, which the caller names; it crossed the wire as JSON.
  return (await page.evaluate(expression)) as T;
}

/** An attribute of every element that matches. */
export function attributes(page: Page, selector: string, attribute: string): Promise<(string | null)[]> {
  return inPage(page, `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getAttribute(${JSON.stringify(attribute)}))`);
}

/** The text of every element that matches. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return inPage(page, `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent ?? '')`);
}
