import { describe, expect, it } from 'vitest';
import { AgentRegistry } from '../../cti/agents/agent-registry.js';
import { CALL_STATES, CallStateMachine, nextState, type CallState } from '../../cti/calls/call-state-machine.js';
import { DomainEventBus, type DomainEvent } from '../../cti/events/domain-events.js';
import { silentLogger } from '../../cti/logging.js';
import { openStore, seedDemo } from '../../store/index.js';

describe('call state machine', () => {
  it('walks a normal call and persists every state', () => {
    const persisted: CallState[] = [];
    const machine = new CallStateMachine('c1', silentLogger(), (s) => persisted.push(s));
    for (const trigger of ['start-ivr', 'enqueue', 'offer', 'no-answer', 'offer', 'answer', 'hold', 'resume', 'hangup'] as const) {
      expect(machine.fire(trigger)).toBeDefined();
    }
    expect(persisted).toEqual(['ivr', 'queued', 'offered', 'queued', 'offered', 'connected', 'held', 'connected', 'ended']);
  });

  it('refuses an illegal transition and changes nothing', () => {
    const persisted: CallState[] = [];
    const machine = new CallStateMachine('c2', silentLogger(), (s) => persisted.push(s));
    expect(machine.fire('answer')).toBeUndefined();
    expect(machine.fire('hold')).toBeUndefined();
    expect(machine.state).toBe('arriving');
    expect(persisted).toEqual([]);
  });

  it('every live state can end by hang-up, and an ended call accepts nothing', () => {
    for (const state of CALL_STATES) {
      expect(nextState(state, 'hangup')).toBe(state === 'ended' ? undefined : 'ended');
    }
  });
});

describe('agent states', () => {
  async function registry() {
    const store = openStore(':memory:');
    await seedDemo(store.db);
    const bus = new DomainEventBus();
    const events: DomainEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const agents = new AgentRegistry(store.db, bus, silentLogger(), () => 60_000);
    await agents.reload();
    const id = agents.list().find((a) => a.login === '1001')?.agentId ?? 0;
    return { agents, events, id };
  }

  it('logs in not ready, goes ready with a desktop, rings, talks, wraps up', async () => {
    const { agents, events, id } = await registry();
    agents.login(id, 'PJSIP/1001');
    agents.desktopConnected(id, true);
    agents.setReady(id);
    expect(agents.transition(id, 'offer', 'call-1')).toBe(true);
    expect(agents.transition(id, 'answer', 'call-1')).toBe(true);
    expect(agents.get(id)?.callId).toBe('call-1');
    expect(agents.transition(id, 'call-end', null)).toBe(true);
    expect(events.filter((e) => e.type === 'agent.state').map((e) => e.type === 'agent.state' && e.state)).toEqual([
      'not_ready',
      'ready',
      'ringing',
      'on_call',
      'wrap_up',
    ]);
    agents.close();
  });

  it('refuses what makes no sense, with a reason', async () => {
    const { agents, id } = await registry();
    expect(() => agents.setReady(id)).toThrow('签出时不能示闲');
    agents.login(id, 'PJSIP/1001');
    const other = agents.list().find((a) => a.login === '1002')?.agentId ?? 0;
    expect(() => agents.login(other, 'PJSIP/1001')).toThrow('分机 PJSIP/1001 已被坐席 1001 使用');
    expect(agents.transition(id, 'answer', 'x')).toBe(false);
    agents.close();
  });

  it('offers calls only to ready agents at a registered phone', async () => {
    const { agents, id } = await registry();
    agents.login(id, 'PJSIP/1001');
    agents.desktopConnected(id, true);
    // Logged in but not ready: not among those the ACD weighs.
    expect(agents.availability().map((a) => a.agentId)).not.toContain(id);
    agents.setReady(id);
    expect(agents.availability().find((a) => a.agentId === id)?.phoneRegistered).toBe(false);
    agents.setPhoneRegistered('PJSIP/1001', true);
    expect(agents.availability().find((a) => a.agentId === id)).toMatchObject({ state: 'ready', phoneRegistered: true });
    agents.desktopConnected(id, false);
    expect(agents.get(id)).toMatchObject({ state: 'not_ready', reason: '桌面连接断开' });
    expect(agents.availability().map((a) => a.agentId)).not.toContain(id);
    agents.close();
  });

  it('a subscriber that throws stops neither the state change nor the subscribers after it, and is reported', async () => {
    const store = openStore(':memory:');
    await seedDemo(store.db);
    const failures: string[] = [];
    const bus = new DomainEventBus((error, event) => failures.push(`${event.type}: ${(error as Error).message}`));
    bus.subscribe(() => {
      throw new Error('wallboard broke');
    });
    const states: string[] = [];
    bus.subscribe((e) => e.type === 'agent.state' && states.push(e.state));
    const agents = new AgentRegistry(store.db, bus, silentLogger(), () => 60_000);
    await agents.reload();
    const id = agents.list().find((a) => a.login === '1001')?.agentId ?? 0;
    agents.login(id, 'PJSIP/1001');
    agents.desktopConnected(id, true);
    agents.setReady(id);
    expect(agents.transition(id, 'offer', 'call-1')).toBe(true);
    expect(agents.get(id)?.state).toBe('ringing');
    expect(states).toEqual(['not_ready', 'ready', 'ringing']);
    expect(failures).toEqual(['agent.state: wallboard broke', 'agent.state: wallboard broke', 'agent.state: wallboard broke']);
    agents.close();
  });
});
