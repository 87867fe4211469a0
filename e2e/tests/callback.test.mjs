// The dealer resolves, the agent's callback closes; and the order page shows
// exactly the moves the role may make in the order's status.

import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { expectStatus, scenario, shot, useKefu } from '../lib/browser.mjs';
import {
  SHANGHAI,
  apiMove,
  createTicket,
  moveButtons,
  openMove,
  openTicket,
  submitMove,
  waitForStatus,
} from '../lib/kefu.mjs';

const kefu = useKefu();

describe('resolve and callback', () => {
  scenario(kefu, 'the dealer resolves and a satisfied callback closes the order', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const t = await createTicket(agentApi);
    await apiMove(agentApi, t.id, 'dispatch', { dealer_id: SHANGHAI });

    const sh = await user('sh_staff');
    await openTicket(sh, base, t.id);
    const resolve = await openMove(sh, 'resolve');
    await resolve.locator('textarea[name="resolution"]').fill('已更换底盘衬套，试车无异响。');
    await submitMove(sh, 'resolve');
    await waitForStatus(sh, 'resolved');
    await shot(sh, 'callback-resolved-by-dealer');

    const agent = await user('agent');
    await openTicket(agent, base, t.id);
    const callback = await openMove(agent, 'callback');
    await callback.locator('select[name="reached"]').selectOption('yes');
    await callback.locator('select[name="satisfaction"]').selectOption('5');
    await submitMove(agent, 'callback');
    await waitForStatus(agent, 'closed');
    await agent.reload();
    await waitForStatus(agent, 'closed');
    const moves = await moveButtons(agent);
    assert.ok(moves.includes('reopen'), `moves on a closed order: ${moves}`);
    assert.ok(moves.includes('note'), `moves on a closed order: ${moves}`);
    assert.ok(!moves.includes('dispatch'), `moves on a closed order: ${moves}`);
    await shot(agent, 'callback-closed');

    const after = expectStatus(await agentApi.get(`/api/v1/tickets/${t.id}`), 200, 'GET ticket');
    assert.equal(after.status, 'closed');
    assert.equal(after.satisfaction, 5);
  });

  scenario(kefu, 'the order page shows exactly the moves allowed to the role', async ({ user, base, apiAs }) => {
    const agentApi = await apiAs('agent');
    const t = await createTicket(agentApi);
    const agent = await user('agent');
    const sh = await user('sh_staff');

    // new, L1, the agent: solve on the call, send on, or note.
    await openTicket(agent, base, t.id);
    assert.deepEqual(await moveButtons(agent), ['answer', 'dispatch', 'escalate', 'note'], 'agent, new');

    // dispatched to Shanghai: the dealer's staff work it; escalating is the hotline's.
    await apiMove(agentApi, t.id, 'dispatch', { dealer_id: SHANGHAI });
    await openTicket(sh, base, t.id);
    assert.deepEqual(
      await moveButtons(sh),
      ['assign', 'note', 'resolve', 'respond', 'wait'],
      'sh_staff, dispatched',
    );
    await shot(sh, 'moves-dealer-dispatched');

    // resolved: the agent calls back or reopens.
    await apiMove(await apiAs('sh_staff'), t.id, 'resolve', { resolution: '已处理' });
    await openTicket(agent, base, t.id);
    assert.deepEqual(await moveButtons(agent), ['callback', 'note', 'reopen'], 'agent, resolved');

    // closed: reopen or note only.
    await apiMove(agentApi, t.id, 'callback', { reached: true, satisfaction: 5 });
    await openTicket(agent, base, t.id);
    await waitForStatus(agent, 'closed');
    assert.deepEqual(await moveButtons(agent), ['note', 'reopen'], 'agent, closed');
    await shot(agent, 'moves-agent-closed');
  });
});
