// The header's search box: a plate finds its owner; `/` focuses the box.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { scenario, shot, useKefu } from '../lib/browser.mjs';

const kefu = useKefu();

describe('search', () => {
  scenario(kefu, "a plate and Enter open its owner's page", async ({ user }) => {
    const page = await user('agent');
    const box = page.locator('input[data-testid="search"]');
    assert.equal(await box.getAttribute('name'), 'q');
    await box.fill('沪AH2345');
    await Promise.all([page.waitForURL((u) => u.pathname === '/customers/1'), box.press('Enter')]);
    assert.equal(
      (await page.locator('[data-testid="customer-name"]').textContent()).trim(),
      '朱娜',
    );
    await shot(page, 'search-plate');
  });

  scenario(kefu, 'pressing / focuses the search box', async ({ user }) => {
    const page = await user('agent');
    await page.locator('h1[data-testid="home-title"]').click();
    const focused = () =>
      page.evaluate(() => document.activeElement?.matches('input[data-testid="search"]') ?? false);
    assert.equal(await focused(), false, 'the box is not focused yet');
    await page.keyboard.press('/');
    await page.waitForFunction(
      () => document.activeElement?.matches('input[data-testid="search"]'),
      null,
      { timeout: 2_000 },
    );
    assert.equal(await page.locator('input[data-testid="search"]').inputValue(), '', 'the / is not typed in');
    await shot(page, 'search-slash-focus');
  });
});
