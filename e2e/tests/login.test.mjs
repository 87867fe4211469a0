// Logging in and out, in Chinese and in English.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import {
  DEMO_PASSWORD,
  scenario,
  shot,
  submitLogin,
  switchLang,
  useKefu,
  waitForLang,
  login,
} from '../lib/browser.mjs';

const kefu = useKefu();

async function homeTitle(page) {
  return (await page.locator('h1[data-testid="home-title"]').textContent()).trim();
}

async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

describe('login', () => {
  scenario(kefu, 'a visitor who is not logged in is sent from / to /login', async ({ user, base }) => {
    const page = await user();
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.locator('form[action="/login"]').waitFor();
    const csrf = await page.locator('form[action="/login"] input[type="hidden"][name="csrf"]').inputValue();
    assert.ok(csrf.length > 0, 'the login form carries a csrf value');
    await shot(page, 'login-visitor-redirected');
  });

  scenario(kefu, 'logs in in Chinese by default and lands on the workbench', async ({ user, base }) => {
    const page = await user();
    await page.goto(`${base}/login`);
    assert.equal(await htmlLang(page), 'zh-CN');
    await submitLogin(page, 'agent', DEMO_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await htmlLang(page), 'zh-CN');
    assert.equal(await homeTitle(page), '工作台');
    assert.match(await page.locator('[data-testid="whoami"]').textContent(), /agent/);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    assert.ok(token, 'meta csrf-token has a value');
    for (const section of ['my-orders', 'team-queue', 'at-risk', 'callbacks']) {
      assert.equal(await page.locator(`[data-testid="${section}"]`).count(), 1, `section ${section}`);
    }
    for (const part of ['logout', 'search', 'bell', 'unread-count']) {
      assert.ok((await page.locator(`[data-testid="${part}"]`).count()) >= 1, `header part ${part}`);
    }
    await shot(page, 'login-zh-workbench');
  });

  scenario(kefu, 'English is chosen on the login page and kept across pages, logout and login', async ({ user, base }) => {
    const page = await user();
    await page.goto(`${base}/login`);
    await switchLang(page, 'en');
    assert.equal(await htmlLang(page), 'en');
    await submitLogin(page, 'agent', DEMO_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await htmlLang(page), 'en');
    assert.equal(await homeTitle(page), 'Workbench');

    // Another page keeps the language.
    await page.goto(`${base}/customers/1`);
    assert.equal(await htmlLang(page), 'en');
    await page.goto(`${base}/tickets/new?customer_id=1&channel=phone`);
    assert.equal(await htmlLang(page), 'en');

    // Logging out and in again keeps it too.
    await Promise.all([page.waitForURL(/\/login/), page.locator('button[data-testid="logout"]').click()]);
    assert.equal(await htmlLang(page), 'en');
    await submitLogin(page, 'agent', DEMO_PASSWORD);
    assert.equal(await homeTitle(page), 'Workbench');
    await shot(page, 'login-en-workbench');

    // The header's switch goes back to Chinese.
    await switchLang(page, 'zh');
    await page.goto(`${base}/`);
    await waitForLang(page, 'zh');
    assert.equal(await homeTitle(page), '工作台');
  });

  scenario(kefu, 'a wrong password shows the error and does not log in', async ({ user, base }) => {
    const page = await user();
    await page.goto(`${base}/login`);
    await submitLogin(page, 'agent', 'not-the-password');
    assert.equal(new URL(page.url()).pathname, '/login');
    const error = page.locator('[data-testid="login-error"]');
    await error.waitFor({ state: 'visible' });
    assert.ok((await error.textContent()).trim().length > 0, 'login-error says something');
    await shot(page, 'login-wrong-password');
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  scenario(kefu, 'logout ends the session', async ({ user, base, state }) => {
    const page = await user();
    await login(page, base, 'agent');
    const cookies = await page.context().cookies();
    await Promise.all([page.waitForURL(/\/login/), page.locator('button[data-testid="logout"]').click()]);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, 'login-after-logout');

    // The cookies the browser held before logging out open nothing either.
    const replay = await state.browser.newContext();
    try {
      await replay.addCookies(cookies);
      const old = await replay.newPage();
      await old.goto(`${base}/`);
      assert.equal(new URL(old.url()).pathname, '/login', 'the old session cookie still works');
    } finally {
      await replay.close();
    }
  });
});
