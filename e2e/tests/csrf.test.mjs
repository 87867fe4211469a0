// A form post without the page's CSRF token is refused, the login form's
// included.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { scenario, shot, useKefu } from '../lib/browser.mjs';
import { createTicket } from '../lib/kefu.mjs';

const kefu = useKefu();

describe('csrf', () => {
  scenario(kefu, 'a move posted without the token is refused, with it accepted', async ({ user, base, apiAs }) => {
    const t = await createTicket(await apiAs('agent'));
    const page = await user('agent');
    await page.goto(`${base}/tickets/${t.id}`);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    assert.ok(token, 'meta csrf-token has a value');

    const post = (headers) =>
      page.evaluate(
        ([url, extra]) =>
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
            body: 'body=x',
          }).then((r) => r.status),
        [`/tickets/${t.id}/note`, headers],
      );
    assert.equal(await post({}), 403, 'without X-CSRF-Token');
    assert.equal(await post({ 'X-CSRF-Token': 'not-the-token' }), 403, 'with a wrong X-CSRF-Token');
    assert.equal(await post({ 'X-CSRF-Token': token }), 200, 'with X-CSRF-Token');
    await page.reload();
    await page.locator('[data-testid="timeline"] [data-testid="event"][data-kind="note"]').first().waitFor();
    await shot(page, 'csrf-note-accepted');
  });

  scenario(kefu, 'the login form carries a token and a login posted without it is refused', async ({ user, base }) => {
    const page = await user();
    await page.goto(`${base}/login`);
    const csrf = await page.locator('form[action="/login"] input[type="hidden"][name="csrf"]').inputValue();
    assert.ok(csrf, 'hidden csrf field has a value');
    const status = await page.evaluate(() =>
      fetch('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=agent&password=kefu-demo',
        redirect: 'manual',
      }).then((r) => r.status),
    );
    assert.equal(status, 403, 'POST /login without csrf');
    // Still logged out.
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, 'csrf-login-refused');
  });
});
