// The header's search box: a plate finds its owner; `/` focuses the box;
// `n` opens a new order and Esc closes a dialog, then the screen pop.

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

  scenario(kefu, '`n` opens a new order, Esc closes a dialog and the screen pop', async ({ user, base, apiAs }) => {
    const page = await user('agent');
    await page.locator('h1[data-testid="home-title"]').click();
    await Promise.all([page.waitForURL((u) => u.pathname === '/tickets/new'), page.keyboard.press('n')]);
    await page.locator('form[data-testid="find-customer"]').waitFor();

    // Esc closes a move's dialog without moving the order.
    const agentApi = await apiAs('agent');
    const one = await agentApi.get('/api/v1/customers/1');
    const made = await agentApi.post('/api/v1/tickets', {
      customer_id: 1, channel: 'phone', category: 'inquiry', subject: 'Esc',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await page.goto(`${base}/tickets/${made.body.id}`);
    await page.locator('button[data-testid="move-dispatch"]').click();
    const dialog = page.locator('dialog[data-testid="dialog-dispatch"]');
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Esc with no dialog open puts the screen pop away.
    await page.goto(`${base}/`);
    await page.locator('body[data-events="open"]').waitFor();
    const call = await agentApi.post('/api/v1/calls', { call_id: `esc-${Date.now()}`, caller: one.body.phone });
    assert.equal(call.status, 201, JSON.stringify(call.body));
    const pop = page.locator('[data-testid="screen-pop"]');
    await pop.waitFor();
    await page.locator('h1[data-testid="home-title"]').click();
    await page.keyboard.press('Escape');
    await pop.waitFor({ state: 'detached' });
    await shot(page, 'keys-escape');
  });
});
