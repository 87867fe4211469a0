// Escalating an order to the quality department, whose liaison assigns it.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { expectStatus, scenario, shot, useKefu } from '../lib/browser.mjs';
import {
  allUsers,
  createTicket,
  department,
  openMove,
  openTicket,
  submitMove,
  waitForStatus,
} from '../lib/kefu.mjs';

const kefu = useKefu();

describe('escalate and assign', () => {
  scenario(kefu, 'the agent escalates to quality and the liaison assigns someone there', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const quality = await department(agentApi, 'quality');
    const t = await createTicket(agentApi);

    const agent = await user('agent');
    await openTicket(agent, base, t.id);
    const escalate = await openMove(agent, 'escalate');
    await escalate.locator('select[name="department_id"]').selectOption(String(quality.id));
    await shot(agent, 'escalate-dialog');
    await submitMove(agent, 'escalate');
    await waitForStatus(agent, 'escalated');
    await shot(agent, 'escalate-done');

    // The people of the quality department.
    const people = (await allUsers(await apiAs('admin'))).filter(
      (u) => u.department_id === quality.id && u.active,
    );
    assert.ok(people.length > 0, 'the quality department has people');

    const liaison = await user('liaison');
    await openTicket(liaison, base, t.id);
    const assign = await openMove(liaison, 'assign');
    const select = assign.locator('select[name="user_id"]');
    const offered = await select.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    // Someone other than the liaison, when the list offers one.
    const candidates = people.filter((u) => offered.includes(String(u.id)));
    const choice = candidates.find((u) => u.username !== 'liaison') ?? candidates[0];
    assert.ok(
      choice,
      `user_id offers ${JSON.stringify(offered)}, none of quality's ${JSON.stringify(people.map((u) => u.id))}`,
    );
    await select.selectOption(String(choice.id));
    await submitMove(liaison, 'assign');
    const assignee = liaison.locator('[data-testid="ticket-assignee"]');
    await assignee
      .filter({ hasText: new RegExp(`${choice.display_name}|${choice.username}`) })
      .waitFor({ state: 'visible' });
    await shot(liaison, 'escalate-assigned');

    const after = expectStatus(await agentApi.get(`/api/v1/tickets/${t.id}`), 200, 'GET ticket');
    assert.equal(after.status, 'escalated');
    assert.equal(after.department_id, quality.id);
    assert.equal(after.assignee_id, choice.id);
  });
});
