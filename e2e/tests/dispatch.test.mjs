// Dispatching an order to a dealer: the move updates the page in place, and
// the order is then in that dealer's queue and nowhere else's.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { expectStatus, scenario, shot, useKefu } from '../lib/browser.mjs';
import {
  SHANGHAI,
  apiMove,
  createTicket,
  openMove,
  openTicket,
  submitMove,
  waitForStatus,
} from '../lib/kefu.mjs';

const kefu = useKefu();

describe('dispatch', () => {
  scenario(kefu, 'the agent dispatches an order to Shanghai without leaving the page', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const t = await createTicket(agentApi);
    const page = await user('agent');
    await openTicket(page, base, t.id);
    assert.equal((await page.locator('[data-testid="ticket-number"]').textContent()).trim(), t.number);
    await page.evaluate(() => {
      window.__marker = 'kept';
    });

    const dialog = await openMove(page, 'dispatch');
    await dialog.locator('select[name="dealer_id"]').selectOption(String(SHANGHAI));
    await shot(page, 'dispatch-dialog');
    await submitMove(page, 'dispatch');
    await waitForStatus(page, 'dispatched');
    assert.equal(await page.evaluate(() => window.__marker), 'kept', 'the page was not reloaded');
    assert.ok(
      !(await page.locator('dialog[data-testid="dialog-dispatch"]').isVisible()),
      'the dialog closed',
    );
    await shot(page, 'dispatch-done');

    const after = expectStatus(await agentApi.get(`/api/v1/tickets/${t.id}`), 200, 'GET ticket');
    assert.equal(after.status, 'dispatched');
    assert.equal(after.dealer_id, SHANGHAI);

    // The timeline has the move.
    await page.reload();
    await page.locator('[data-testid="timeline"] [data-testid="event"][data-kind="dispatch"]').first().waitFor();
  });

  scenario(kefu, "a dispatched order is in the dealer's team queue and hidden from another dealer", async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const t = await createTicket(agentApi);
    await apiMove(agentApi, t.id, 'dispatch', { dealer_id: SHANGHAI });

    const sh = await user('sh_staff');
    await sh.goto(`${base}/`);
    const row = sh.locator(
      `[data-testid="team-queue"] tr[data-testid="order-row"][data-number="${t.number}"]`,
    );
    await row.waitFor();
    const href = await row.locator(`a[href$="/tickets/${t.id}"]`).first().getAttribute('href');
    assert.ok(href, 'the row links to the order');
    await shot(sh, 'dispatch-shanghai-queue');

    const bj = await user('bj_staff');
    await bj.goto(`${base}/`);
    await bj.locator('[data-testid="team-queue"]').waitFor();
    assert.equal(
      await bj.locator(`tr[data-testid="order-row"][data-number="${t.number}"]`).count(),
      0,
      'the Beijing dealer sees the Shanghai order',
    );
    await shot(bj, 'dispatch-beijing-queue');
    const res = await bj.goto(`${base}/tickets/${t.id}`);
    assert.equal(res.status(), 404, `GET /tickets/${t.id} as bj_staff`);
  });
});
