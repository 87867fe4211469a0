// The screen pop: a call posted to the API shows the caller on the agent's
// open workbench, through the live event stream.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { api, expectStatus, scenario, shot, unique, useKefu } from '../lib/browser.mjs';
import { customerOne, postCall } from '../lib/kefu.mjs';

const kefu = useKefu();
/** How soon after the call the card must show. */
const POP_MS = 2_000;

/** The agent's workbench, connected to the event stream. */
async function agentWaiting(user) {
  const page = await user('agent');
  await page.locator('body[data-events="open"]').waitFor({ state: 'attached' });
  return page;
}

async function waitForPop(page) {
  const pop = page.locator('[data-testid="screen-pop"]');
  await pop.waitFor({ state: 'visible', timeout: POP_MS });
  return pop;
}

describe('screen pop', () => {
  scenario(kefu, 'a call from a known customer pops her card within 2 s', async ({ user, apiAs }) => {
    const agentApi = await apiAs('agent');
    const zhu = await customerOne(agentApi);
    const page = await agentWaiting(user);
    expectStatus(await postCall(agentApi, { caller: zhu.phone }), 201, 'POST /api/v1/calls');
    const pop = await waitForPop(page);
    assert.equal(await page.locator('#pop [data-testid="screen-pop"]').count(), 1, 'the pop is in #pop');
    assert.equal((await pop.locator('[data-testid="pop-name"]').textContent()).trim(), '朱娜');
    const vehicles = await pop.locator('[data-testid="pop-vehicle"]').allTextContents();
    assert.ok(vehicles.some((v) => v.includes(zhu.plate)), `pop-vehicle: ${JSON.stringify(vehicles)}`);
    await shot(page, 'screen-pop-known-caller');
  });

  scenario(kefu, 'an integration key posts calls but reads nothing else', async ({ user, base, apiAs }) => {
    const adminApi = await apiAs('admin');
    const agentApi = await apiAs('agent');
    const zhu = await customerOne(agentApi);
    const name = unique('cti');
    const created = expectStatus(
      await adminApi.post('/api/v1/integration-keys', { name }),
      201,
      'POST /api/v1/integration-keys',
    );
    assert.ok(created.id, `the key has an id: ${JSON.stringify(created)}`);
    assert.equal(created.name, name);
    assert.ok(typeof created.key === 'string' && created.key.length >= 16, 'the key is given once');

    const page = await agentWaiting(user);
    const cti = api(base, created.key);
    const callId = unique('call');
    expectStatus(await postCall(cti, { caller: zhu.phone, callId }), 201, 'POST /api/v1/calls with the key');
    const pop = await waitForPop(page);
    assert.equal((await pop.locator('[data-testid="pop-name"]').textContent()).trim(), '朱娜');
    await shot(page, 'screen-pop-integration-key');

    expectStatus(await cti.get('/api/v1/customers'), 403, 'GET /api/v1/customers with the key');

    // The calls are kept: the agent lists them.
    const calls = expectStatus(await agentApi.get('/api/v1/calls'), 200, 'GET /api/v1/calls');
    assert.ok(Array.isArray(calls.items), `GET /api/v1/calls answers {items}: ${JSON.stringify(calls)}`);
    const ids = calls.items.map((c) => c.call_id);
    assert.ok(ids.includes(callId), `${callId} among the listed calls ${JSON.stringify(ids)}`);
  });

  scenario(kefu, 'an unknown caller pops a new-customer form that creates the customer', async ({ user, apiAs }) => {
    const agentApi = await apiAs('agent');
    const page = await agentWaiting(user);
    const phone = '13900001111';
    expectStatus(await postCall(agentApi, { caller: phone }), 201, 'POST /api/v1/calls');
    const pop = await waitForPop(page);
    const form = pop.locator('form[data-testid="pop-new-customer"]');
    await form.waitFor();
    assert.equal(await form.locator('input[name="phone"]').inputValue(), phone);
    await shot(page, 'screen-pop-unknown-caller');

    const name = '测试新客户';
    await form.locator('input[name="name"]').fill(name);
    await form.locator('[data-testid="pop-create-customer"]').click();
    await page
      .locator('[data-testid="screen-pop"] [data-testid="pop-name"]', { hasText: name })
      .waitFor({ state: 'visible' });
    assert.equal(await page.locator('form[data-testid="pop-new-customer"]').count(), 0, 'the form is gone');
    await shot(page, 'screen-pop-customer-created');

    // The customer is on record with that phone.
    const found = expectStatus(
      await agentApi.get(`/api/v1/customers?phone=${phone}`),
      200,
      'GET /api/v1/customers?phone=',
    );
    assert.ok(
      found.items.some((c) => c.name === name),
      `customer ${name} with ${phone}: ${JSON.stringify(found.items.map((c) => c.name))}`,
    );
  });
});
