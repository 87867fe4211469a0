// Opening a work order from the screen pop, and the form's validation.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { expectStatus, scenario, shot, unique, useKefu } from '../lib/browser.mjs';
import { customerOne, postCall, waitForStatus } from '../lib/kefu.mjs';

const kefu = useKefu();

async function newestTicketId(agentApi) {
  const page = expectStatus(await agentApi.get('/api/v1/tickets?limit=1'), 200, 'GET /api/v1/tickets');
  return page.items[0]?.id ?? 0;
}

describe('new work order', () => {
  scenario(kefu, 'the pop opens a new order with the caller and the car filled in', async ({ user, apiAs }) => {
    const agentApi = await apiAs('agent');
    const zhu = await customerOne(agentApi);
    const page = await user('agent');
    await page.locator('body[data-events="open"]').waitFor({ state: 'attached' });
    expectStatus(await postCall(agentApi, { caller: zhu.phone }), 201, 'POST /api/v1/calls');
    await page.locator('[data-testid="screen-pop"]').waitFor({ state: 'visible', timeout: 2_000 });

    await Promise.all([
      page.waitForURL(/\/tickets\/new/),
      page.locator('a[data-testid="pop-new-order"]').click(),
    ]);
    const form = page.locator('form[data-testid="new-order"]');
    await form.waitFor();
    assert.equal(await form.locator('input[name="customer_id"]').inputValue(), '1');
    const vehicle = await form.locator('select[name="vehicle_id"]').inputValue();
    assert.ok(vehicle !== '', 'a vehicle is selected');
    const vehicleText = await form
      .locator('select[name="vehicle_id"] option:checked')
      .textContent();
    assert.ok(vehicleText.includes(zhu.plate), `the selected vehicle is ${vehicleText}`);
    assert.equal(await form.locator('select[name="channel"]').inputValue(), 'phone');
    assert.ok((await form.locator('input[name="received_at"]').inputValue()) !== '', 'received_at is filled in');

    const subject = `${unique('e2e')} 保养后底盘异响`;
    await form.locator('select[name="category"]').selectOption('complaint');
    await form.locator('input[name="subject"]').fill(subject);
    await shot(page, 'new-order-form');
    await Promise.all([
      page.waitForURL(/\/tickets\/\d+(\?.*)?$/),
      form.locator('[data-testid="create-order"]').click(),
    ]);
    await waitForStatus(page, 'new');
    const id = Number(new URL(page.url()).pathname.split('/')[2]);
    const t = expectStatus(await agentApi.get(`/api/v1/tickets/${id}`), 200, `GET /api/v1/tickets/${id}`);
    assert.equal(t.subject, subject);
    assert.equal(t.customer_id, 1);
    assert.equal(String(t.vehicle_id), vehicle);
    assert.equal(t.channel, 'phone');
    assert.equal(t.category, 'complaint');
    assert.equal(
      (await page.locator('[data-testid="ticket-number"]').textContent()).trim(),
      t.number,
    );
    await shot(page, 'new-order-created');
  });

  scenario(kefu, 'an empty subject is refused with its error and creates nothing', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const before = await newestTicketId(agentApi);
    const page = await user('agent');
    await page.goto(`${base}/tickets/new?customer_id=1&channel=phone`);
    const form = page.locator('form[data-testid="new-order"]');
    await form.waitFor();
    await form.locator('select[name="category"]').selectOption('complaint');
    await form.locator('input[name="subject"]').fill('');
    // The server's answer is what is tested, not the browser's own check.
    await form.evaluate((f) => {
      f.noValidate = true;
    });
    await form.locator('[data-testid="create-order"]').click();
    const error = page.locator('[data-testid="error-subject"]');
    await error.waitFor({ state: 'visible' });
    assert.ok((await error.textContent()).trim().length > 0, 'error-subject says something');
    assert.doesNotMatch(new URL(page.url()).pathname, /^\/tickets\/\d+/);
    assert.equal(await newestTicketId(agentApi), before, 'no order was created');
    await shot(page, 'new-order-empty-subject');
  });
});
