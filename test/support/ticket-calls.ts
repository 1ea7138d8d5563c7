/** Tickets through real calls: an agent answers a call in the simulator, and the 12345 form's full fields. */
import { cityDivisions, listHandlingUnits, listTicketMatters, type Db } from '../../store/index.js';
import { AgentDesktop } from './agent-desktop.js';
import { placeCall, simRequest } from './sim-client.js';

export interface AnsweredCall {
  desk: AgentDesktop;
  callId: string;
  number: string;
  hangUp(): Promise<void>;
}

/** Logs the agent in (or reuses the desk), makes them ready and lets a citizen's call ring through to them. */
export async function answeredCall(servers: { httpUrl: string; simUrl: string }, agent: string | AgentDesktop, caller: string): Promise<AnsweredCall> {
  const desk = typeof agent === 'string' ? await AgentDesktop.login(servers.httpUrl, agent) : agent;
  const ready = await desk.command('agent.ready');
  if (ready.ok !== true) throw new Error(`agent not ready: ${JSON.stringify(ready)}`);
  const callId = await placeCall(servers.simUrl, caller, '12345');
  const pop = await desk.next('call.offered', (m) => m.callId === callId);
  await desk.next('call.answered', (m) => m.callId === callId);
  return {
    desk,
    callId,
    number: String(pop.ticketNumber),
    hangUp: async () => {
      await simRequest(servers.simUrl, 'POST', `/sim/channels/${callId}/hangup`);
      await desk.next('call.ended', (m) => m.callId === callId);
    },
  };
}

/** Ids and codes of the demo seed's reference data, by name. */
export async function demoRefs(db: Db) {
  const matters = await listTicketMatters(db);
  const units = await listHandlingUnits(db);
  const matter = (name: string) => {
    const node = matters.find((m) => m.name === name);
    if (!node) throw new Error(`no matter ${name}`);
    return node;
  };
  const unit = (name: string) => {
    const row = units.find((u) => u.name === name);
    if (!row) throw new Error(`no unit ${name}`);
    return row;
  };
  const city = cityDivisions('50');
  const district = (name: string) => {
    const d = city?.districts.find((x) => x.name === name);
    if (!d) throw new Error(`no district ${name}`);
    return { ...d, street: (streetName: string) => d.streets.find((s) => s.name === streetName) ?? { code: 'none', name: streetName } };
  };
  return { matter, unit, district };
}

/** Every field 登记完成 needs, for a complaint about property fees in 渝中区 解放碑街道. */
export async function fullForm(db: Db, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const refs = await demoRefs(db);
  const yuzhong = refs.district('渝中区');
  return {
    callerName: '王女士',
    contactPhone: '13911112222',
    category: 'complaint',
    matterId: refs.matter('物业服务收费').id,
    urgency: 'C',
    content: '小区物业擅自上调物业费，未经业主大会同意。',
    districtCode: yuzhong.code,
    streetCode: yuzhong.street('解放碑街道').code,
    address: '民族路 188 号',
    disposition: 'dispatch',
    ...extra,
  };
}
