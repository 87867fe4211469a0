// A customer's name is text, never markup; and every page forbids inline
// script through its Content-Security-Policy.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { expectStatus, scenario, shot, useKefu } from '../lib/browser.mjs';
import { createTicket, postCall } from '../lib/kefu.mjs';

const kefu = useKefu();
const NAME = '<script>window.__xss=1</script>Test';
const PHONE = '13900002222';

/** The customer whose name holds a script (the API takes one `phone`). */
async function scriptCustomer(agentApi) {
  const res = await agentApi.post('/api/v1/customers', { name: NAME, phone: PHONE });
  return expectStatus(res, 201, 'POST /api/v1/customers');
}

/** The script-src of a policy (default-src when it has none). */
function scriptSrc(policy) {
  const directives = new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
  return directives.get('script-src') ?? directives.get('default-src');
}

describe('xss and csp', () => {
  scenario(kefu, 'a name holding a script shows as text on the customer page and in the pop', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const c = await scriptCustomer(agentApi);
    assert.equal(c.name, NAME, 'the name is stored as given');

    const page = await user('agent');
    await page.goto(`${base}/customers/${c.id}`);
    const shown = await page.locator('[data-testid="customer-name"]').textContent();
    assert.ok(shown.includes('<script>'), `customer-name shows ${JSON.stringify(shown)}`);
    assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined', 'the script ran');
    await shot(page, 'xss-customer-page');

    await page.goto(`${base}/`);
    await page.locator('body[data-events="open"]').waitFor({ state: 'attached' });
    expectStatus(await postCall(agentApi, { caller: PHONE }), 201, 'POST /api/v1/calls');
    const name = page.locator('[data-testid="screen-pop"] [data-testid="pop-name"]');
    await name.waitFor({ state: 'visible', timeout: 2_000 });
    const popped = await name.textContent();
    assert.ok(popped.includes('<script>'), `pop-name shows ${JSON.stringify(popped)}`);
    assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined', 'the script ran in the pop');
    await shot(page, 'xss-screen-pop');
  });

  scenario(kefu, "every HTML page has a Content-Security-Policy without inline script", async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const t = await createTicket(agentApi);
    const seen = [];
    const visitor = await user();
    const agent = await user();
    for (const page of [visitor, agent]) {
      page.on('response', (res) => {
        const type = res.headers()['content-type'] ?? '';
        if (type.startsWith('text/html')) {
          seen.push({ url: res.url(), status: res.status(), csp: res.headers()['content-security-policy'] });
        }
      });
    }
    await visitor.goto(`${base}/login`);
    await visitor.goto(`${base}/tickets/999999999`);

    await agent.goto(`${base}/login`);
    const form = agent.locator('form[action="/login"]');
    await form.locator('input[name="username"]').fill('agent');
    await form.locator('input[name="password"]').fill('kefu-demo');
    await Promise.all([agent.waitForURL((u) => u.pathname === '/'), form.locator('button[type="submit"]').click()]);
    for (const path of ['/', '/customers/1', `/tickets/${t.id}`, '/tickets/new?customer_id=1&channel=phone', '/tickets/999999999']) {
      await agent.goto(`${base}${path}`);
    }
    await shot(agent, 'csp-pages');

    assert.ok(seen.length >= 6, `HTML responses seen: ${JSON.stringify(seen)}`);
    for (const r of seen) {
      assert.ok(r.csp, `${r.status} ${r.url} has no Content-Security-Policy`);
      const src = scriptSrc(r.csp);
      assert.ok(src, `${r.url}: no script-src or default-src in ${r.csp}`);
      assert.ok(!src.includes("'unsafe-inline'"), `${r.url}: script-src allows 'unsafe-inline': ${r.csp}`);
    }
  });
});
