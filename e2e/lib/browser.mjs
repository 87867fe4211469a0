// Chromium, the logins and the JSON API for the browser tests of kefu.
//
// Each test file starts one kefu server and one Chromium (`useKefu`); each
// test gets a fresh browser context per user, closed when the test ends,
// and a screenshot of every open page when it fails.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, after, it } from 'node:test';
import { chromium } from 'playwright-core';

import { ADMIN_PASSWORD, DEMO_PASSWORD, REPO_ROOT, startServer } from './server.mjs';

export { ADMIN_PASSWORD, DEMO_PASSWORD };
export const SCREENSHOTS = join(REPO_ROOT, 'e2e', 'screenshots');
/** How long an element may take to show up before a test fails. */
export const TIMEOUT_MS = Number(process.env.KEFU_E2E_TIMEOUT_MS || 8_000);
/** Bounds one test (and starting or stopping a file's server and browser). */
const TEST_TIMEOUT_MS = 120_000;

const CHROMIUM = process.env.KEFU_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context (its own cookies: one user) with one page.
 * `target` is a browser, or anything with `.browser` (the `useKefu` state).
 */
export async function newUser(target, options = {}) {
  const browser = target.browser ?? target;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(2 * TIMEOUT_MS);
  const page = await context.newPage();
  return { context, page };
}

/** Wait until `<html lang>` is `lang` (`zh` matches `zh-CN`). */
export async function waitForLang(page, lang) {
  await page.waitForFunction(
    (want) => document.documentElement.lang.toLowerCase().startsWith(want),
    lang,
    { timeout: TIMEOUT_MS },
  );
  await page.waitForLoadState('load');
}

/** Choose the language with the page's `lang-zh` / `lang-en` link. */
export async function switchLang(page, lang) {
  await page.click(`a[data-testid="lang-${lang}"]`);
  await waitForLang(page, lang);
}

/** Fill and submit the login form of the page (already on /login). */
export async function submitLogin(page, username, password) {
  const form = page.locator('form[action="/login"]');
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type="submit"]').click(),
  ]);
}

/**
 * Log in through the login page, optionally choosing the language there
 * first; resolves once the browser has left /login.
 */
export async function login(page, base, username, password = DEMO_PASSWORD, lang = undefined) {
  const res = await page.goto(`${base}/login`);
  assert.equal(res.status(), 200, `GET /login answered ${res.status()}`);
  if (lang) await switchLang(page, lang);
  await submitLogin(page, username, password);
  const url = new URL(page.url());
  if (url.pathname.startsWith('/login')) {
    const error = await page
      .locator('[data-testid="login-error"]')
      .textContent({ timeout: 500 })
      .catch(() => null);
    throw new Error(`login as ${username} stayed on ${url.pathname}: ${error ?? 'no login-error'}`);
  }
  return page;
}

/** Save `e2e/screenshots/<name>.png` (the whole page). */
export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A small JSON client of kefu's API; `token` optional. */
export function api(base, token) {
  async function call(method, path, body, headers = {}) {
    const h = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  return {
    token,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

/** `res.status` must be `status`; the message carries the answer's body. */
export function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An API token for a login (`POST /api/v1/auth/token`). */
export async function apiToken(base, username, password = DEMO_PASSWORD) {
  const res = await api(base).post('/api/v1/auth/token', { username, password });
  assert.ok(res.status === 200 || res.status === 201, `token for ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.ok(res.body.token, `token for ${username}: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** `e2e-<time>-<random>`: unique within and across runs. */
export function unique(prefix = 'e2e') {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Start one kefu server and one Chromium for the test file (in `before`),
 * stop both in `after`. The returned state gets `base` and `browser`.
 */
export function useKefu() {
  const state = { base: null, browser: null, server: null, database: null, tokens: new Map() };
  before(async () => {
    const [server, browser] = await Promise.allSettled([startServer(), launchBrowser()]);
    if (server.status === 'fulfilled') state.server = server.value;
    if (browser.status === 'fulfilled') state.browser = browser.value;
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
    Object.assign(state, { base: state.server.base, database: state.server.database });
  }, { timeout: TEST_TIMEOUT_MS });
  after(async () => {
    await state.browser?.close().catch(() => {});
    await state.server?.stop();
  }, { timeout: TEST_TIMEOUT_MS });
  /** The API as a login (its token is kept for the file). */
  state.apiAs = async (username) => {
    const password = username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD;
    if (!state.tokens.has(username)) {
      state.tokens.set(username, await apiToken(state.base, username, password));
    }
    return api(state.base, state.tokens.get(username));
  };
  return state;
}

function slug(s) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/**
 * A test with its users: `fn({ user, base, apiAs, state })`, where
 * `await user('agent')` is a page in a fresh context logged in as agent
 * (`user()` one not logged in; `user('agent', { lang: 'en' })` logs in in
 * English). On failure every page of the test is saved as
 * `<test>-failed-<n>.png` and the browser's errors are printed.
 */
export function scenario(state, title, fn, options = {}) {
  return it(title, { timeout: TEST_TIMEOUT_MS, ...options }, async () => {
    const contexts = [];
    const errors = [];
    const user = async (username, opts = {}) => {
      const { lang, password, context: contextOptions } = opts;
      const { context, page } = await newUser(state, contextOptions);
      contexts.push(context);
      page.on('pageerror', (e) => errors.push(`[${username ?? 'visitor'}] pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`[${username ?? 'visitor'}] console: ${m.text()}`);
      });
      if (username) {
        const pw = password ?? (username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD);
        await login(page, state.base, username, pw, lang);
      }
      return page;
    };
    try {
      await fn({ user, base: state.base, apiAs: state.apiAs, state });
    } catch (e) {
      let n = 0;
      for (const context of contexts) {
        for (const page of context.pages()) {
          n += 1;
          await shot(page, `${slug(title)}-failed-${n}`).catch(() => {});
          if (!page.isClosed()) errors.push(`page ${n} was at ${page.url()}`);
        }
      }
      if (errors.length) e.message += `\n--- browser:\n${errors.slice(0, 30).join('\n')}`;
      throw e;
    } finally {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    }
  });
}
