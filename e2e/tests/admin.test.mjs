// The admin pages in the browser: a user is created, disabled in place
// (their open page is sent to the login) and given a new password; the
// calendar's month view marks the National Day holidays and moves between
// months without leaving the page; a customer's record is changed from
// their page with the error by the field.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { login, scenario, shot, unique, useKefu } from '../lib/browser.mjs';

const kefu = useKefu();

describe('admin', () => {
  scenario(kefu, 'an admin creates a user, disables them in place and resets their password', async ({ user, base }) => {
    const admin = await user('admin');
    await admin.goto(`${base}/admin/users`);
    const name = unique('agent').replace(/[^a-z0-9_]/g, '_').slice(0, 30);
    const form = admin.locator('form[data-testid="new-user"]');
    await form.locator('input[name="username"]').fill(name);
    await form.locator('input[name="display_name"]').fill('新坐席');
    await form.locator('select[name="role"]').selectOption('agent');
    await form.locator('input[name="password"]').fill('first-pass-123');
    await form.locator('[data-testid="create-user"]').click();
    const row = admin.locator(`tr[data-testid="user-row"][data-username="${name}"]`);
    await row.waitFor();
    await shot(admin, 'admin-user-created');

    // The new agent works, until disabled.
    const them = await user(name, { password: 'first-pass-123' });
    await them.locator('[data-testid="home-title"]').waitFor();
    await admin.evaluate(() => {
      window.__marker = 'kept';
    });
    await row.locator(`[data-testid="disable-${name}"]`).click();
    await admin.locator(`tr[data-testid="user-row"][data-username="${name}"][data-active="false"]`).waitFor();
    assert.equal(await admin.evaluate(() => window.__marker), 'kept', 'the row changed in place');
    await them.goto(`${base}/`);
    assert.match(them.url(), /\/login/, 'the disabled user is sent to the login page');

    // Enabled again with a new password: only the new one works.
    await admin.locator(`[data-testid="enable-${name}"]`).click();
    await admin.locator(`tr[data-testid="user-row"][data-username="${name}"][data-active="true"]`).waitFor();
    await admin.locator(`[data-testid="reset-${name}"]`).click();
    const dialog = admin.locator('dialog[open]');
    await dialog.locator('input[name="password"]').fill('second-pass-456');
    await dialog.locator('[data-testid="submit-password"]').click();
    await admin.locator(`tr[data-testid="user-row"][data-username="${name}"] [data-testid="row-notice"]`).waitFor();
    await shot(admin, 'admin-password-reset');
    const again = await user();
    await login(again, base, name, 'second-pass-456');
    await again.locator('[data-testid="home-title"]').waitFor();
  });

  scenario(kefu, "the calendar's month view shows the holidays and the make-up workday", async ({ user, base }) => {
    const admin = await user('admin');
    await admin.goto(`${base}/admin/calendars/1?month=2026-10`);
    const day = (d) => admin.locator(`[data-testid="day"][data-date="${d}"]`);
    await day('2026-10-01').waitFor();
    assert.equal(await day('2026-10-01').getAttribute('data-off'), 'true', 'National Day is off');
    assert.equal(await day('2026-10-12').getAttribute('data-off'), 'false', 'an ordinary Monday is on');
    assert.equal(await day('2026-10-17').getAttribute('data-off'), 'true', 'an ordinary Saturday is off');
    assert.equal(await day('2026-10-10').getAttribute('data-off'), 'false', 'the make-up Saturday is on');
    await shot(admin, 'admin-calendar-october');
    await admin.evaluate(() => {
      window.__marker = 'kept';
    });
    await admin.locator('[data-testid="next-month"]').click();
    await admin.locator('[data-testid="month"][data-month="2026-11"]').waitFor();
    assert.equal(await admin.evaluate(() => window.__marker), 'kept', 'the month changed in place');
  });

  scenario(kefu, "an agent changes a customer's record, with the error by the field", async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const res = await agentApi.post('/api/v1/customers', { name: '测试客户', phone: '13900003333' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id;
    const page = await user('agent');
    await page.goto(`${base}/customers/${id}`);
    await page.locator('[data-testid="edit-customer"]').click();
    const form = page.locator('form[data-testid="customer-edit"]');
    // A name of only a zero-width space is empty to a reader: refused by the field.
    await form.locator('input[name="name"]').fill('\u200B');
    await form.locator('[data-testid="save-customer"]').click();
    await page.locator('[data-testid="error-name"]').waitFor();
    assert.match(await page.locator('[data-testid="error-name"]').innerText(), /必填/);
    await shot(page, 'customer-edit-invisible-name');
    await page.locator('form[data-testid="customer-edit"] input[name="name"]').fill('测试客户');
    await form.locator('input[name="other_phones"]').fill('12345');
    await form.locator('input[name="address"]').fill('北京市朝阳区');
    await form.locator('[data-testid="save-customer"]').click();
    await page.locator('[data-testid="error-other_phones"]').waitFor();
    await shot(page, 'customer-edit-error');
    await page.locator('form[data-testid="customer-edit"] input[name="other_phones"]').fill('13900004444');
    await page.locator('form[data-testid="customer-edit"] [data-testid="save-customer"]').click();
    await page.waitForURL(`${base}/customers/${id}`);
    await page.locator('text=北京市朝阳区').first().waitFor();
    await shot(page, 'customer-edited');
    const after = await agentApi.get(`/api/v1/customers/${id}`);
    assert.deepEqual(after.body.other_phones, ['13900004444']);
  });
});
