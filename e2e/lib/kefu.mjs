// What the browser tests know of kefu's demo group and its pages: the demo
// customer, orders opened and moved through the API for a test's setup, and
// the order page's move buttons and dialogs.

import assert from 'node:assert/strict';

import { TIMEOUT_MS, expectStatus, unique } from './browser.mjs';

/** The demo's Shanghai dealer (sh_staff, sh_sales work there). */
export const SHANGHAI = 1;
/** The hotline number a call comes in on. */
export const HOTLINE = '4008001234';

/**
 * Demo customer 1 (朱娜) as the API has her: `{ id, name, phone, plate }`;
 * her mobile is read, not assumed, since the demo draws its prefix.
 */
export async function customerOne(agentApi) {
  const c = expectStatus(await agentApi.get('/api/v1/customers/1'), 200, 'GET /api/v1/customers/1');
  assert.equal(c.name, '朱娜', 'demo customer 1');
  const v = expectStatus(
    await agentApi.get('/api/v1/vehicles?customer_id=1'),
    200,
    'GET /api/v1/vehicles?customer_id=1',
  );
  const plates = v.items.map((x) => x.plate);
  assert.ok(plates.includes('沪AH2345'), `customer 1's plates: ${plates}`);
  return { id: 1, name: c.name, phone: String(c.phone).replace(/\D/g, '').slice(-11), plate: '沪AH2345' };
}

/** Open a work order for customer 1 (or `fields.customer_id`) through the API. */
export async function createTicket(agentApi, fields = {}) {
  const body = {
    customer_id: 1,
    channel: 'phone',
    category: 'complaint',
    subject: `${unique('e2e')} 保养后底盘异响`,
    ...fields,
  };
  return expectStatus(await agentApi.post('/api/v1/tickets', body), 201, 'POST /api/v1/tickets');
}

/** A triage move through the API (`/api/v1/tickets/<id>/<move>`). */
export async function apiMove(anApi, id, move, body = {}) {
  const path = `/api/v1/tickets/${id}/${move === 'note' ? 'notes' : move}`;
  const res = await anApi.post(path, body);
  assert.ok(res.status === 200 || res.status === 201, `POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A call arriving: `POST /api/v1/calls`; returns the answer. */
export function postCall(anApi, { caller, agent = 'agent', callId = unique('call') }) {
  return anApi.post('/api/v1/calls', { call_id: callId, caller, callee: HOTLINE, agent });
}

/** The department with `code` (`quality`...), from `GET /api/v1/departments`. */
export async function department(anApi, code) {
  const page = expectStatus(await anApi.get('/api/v1/departments?limit=200'), 200, 'GET /api/v1/departments');
  const d = page.items.find((x) => x.code === code);
  assert.ok(d, `no department ${code} in ${JSON.stringify(page.items.map((x) => x.code))}`);
  return d;
}

/** Every user the API lists (following the cursor). */
export async function allUsers(anApi) {
  const out = [];
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const page = expectStatus(
      await anApi.get(`/api/v1/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      200,
      'GET /api/v1/users',
    );
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

/** Wait for `[data-testid="ticket-status"][data-status=status]`. */
export async function waitForStatus(page, status, timeout = TIMEOUT_MS) {
  const sel = `[data-testid="ticket-status"][data-status="${status}"]`;
  try {
    await page.locator(sel).waitFor({ state: 'visible', timeout });
  } catch (e) {
    const now = await page
      .locator('[data-testid="ticket-status"]')
      .first()
      .getAttribute('data-status', { timeout: 200 })
      .catch(() => 'absent');
    const err = await page
      .locator('[data-testid="move-error"]:visible')
      .first()
      .textContent({ timeout: 200 })
      .catch(() => null);
    throw new Error(
      `waiting for ${sel}: ticket-status is ${now}${err ? `; move-error: ${err.trim()}` : ''} (${e.message.split('\n')[0]})`,
    );
  }
}

/** The move names of the order page's `button[data-testid="move-…"]`, sorted. */
export async function moveButtons(page) {
  const ids = await page
    .locator('button[data-testid^="move-"]')
    .evaluateAll((els) => els.filter((e) => !e.closest('dialog')).map((e) => e.dataset.testid));
  return [...new Set(ids.map((id) => id.slice('move-'.length)))].sort();
}

/** Click `move-<move>` and wait for its dialog; returns the dialog locator. */
export async function openMove(page, move) {
  await page.locator(`button[data-testid="move-${move}"]`).click();
  const dialog = page.locator(`dialog[data-testid="dialog-${move}"]`);
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

/** Click the dialog's `submit-<move>`. */
export async function submitMove(page, move) {
  await page.locator(`dialog[data-testid="dialog-${move}"] [data-testid="submit-${move}"]`).click();
}

/** Open `/tickets/<id>` and check it is there. */
export async function openTicket(page, base, id) {
  const res = await page.goto(`${base}/tickets/${id}`);
  assert.equal(res.status(), 200, `GET /tickets/${id}`);
  await page.locator('[data-testid="ticket-status"]').waitFor();
}
