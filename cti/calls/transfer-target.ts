/**
 * Where a call can be sent: an agent, a skill's queue, an expert seat, a department contact (一键转接),
 * a sub-centre, or an emergency line. Resolves a target to something the PBX can ring.
 */
import { isEmergencyLine, type EmergencyLine } from '../../routing/dial-policy.js';
import { isOnDuty, type DutyWindow } from '../../routing/duty-hours.js';
import { subcentreRefusal, type HandOver } from '../../routing/subcentre-transfer.js';
import { findActiveRoute, findDepartmentContact, findExpertSeat, listSkills, type Db } from '../../store/index.js';
import type { AgentInfo, AgentRegistry } from '../agents/agent-registry.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import { readWorkingCalendar } from '../tickets/read-calendar.js';
import { TRANSFER_NUMBER } from '../../ivr/menu-schema.js';


export type TransferTarget =
  | { kind: 'agent'; agentId: number }
  | { kind: 'skill'; skill: string }
  | { kind: 'expert'; expertSeatId: number }
  | { kind: 'contact'; contactId: number }
  | { kind: 'subcentre'; number: string }
  | { kind: 'emergency'; number: EmergencyLine };

export type ResolvedTarget =
  | { kind: 'phone'; dial: string; label: string; agentId: number | null; emergency: boolean }
  | { kind: 'queue'; skill: string; label: string };

/**
 * DESIGN.md §2 (Chongqing art. 10): a transfer to an emergency line — blind, attended or three-way,
 * from the emergency buttons or to a directory contact whose number is one — raises a supervisor
 * alert at once. Nothing for any other target.
 */
export function alertIfEmergency(ctx: Pick<CallContext, 'bus' | 'clock'>, callId: string, agentId: number | null, target: ResolvedTarget): void {
  if (target.kind !== 'phone' || !target.emergency) return;
  ctx.bus.publish({
    type: 'alert',
    at: ctx.clock.now().toISOString(),
    kind: 'emergency-transfer',
    message: `坐席转接紧急热线: ${target.label}`,
    callId,
    ...(agentId !== null ? { agentId } : {}),
  });
}

/**
 * The emergency line (110/119/120/122) an IVR transfer target reaches, if it reaches one: the plain
 * number, or the number a dial string dials (`PJSIP/110@trunk`).
 */
function emergencyLineOf(target: string): string | null {
  const number = TRANSFER_NUMBER.test(target) ? target : /^[A-Za-z]+\/([0-9]+)(?:@|$)/.exec(target)?.[1];
  return number !== undefined && isEmergencyLine(number) ? number : null;
}

/**
 * The same alert when the voice menu hands the caller to an emergency line (a key, or the menu's
 * failure action): no agent, so it names the hotline the caller dialled and the call's ticket. Nothing
 * for any other target.
 */
export function alertIfIvrEmergency(
  ctx: Pick<CallContext, 'bus' | 'clock'>,
  call: { callId: string; dialledNumber: string; hotline: string; ticketNumber: string },
  target: string,
): void {
  const line = emergencyLineOf(target);
  if (line === null) return;
  const hotline = call.hotline.includes(call.dialledNumber) ? call.hotline : `${call.dialledNumber} ${call.hotline}`;
  ctx.bus.publish({
    type: 'alert',
    at: ctx.clock.now().toISOString(),
    kind: 'emergency-transfer',
    message: `语音导航转接紧急热线: ${line}（来电热线 ${hotline}，工单 ${call.ticketNumber}）`,
    callId: call.callId,
    ticketNumber: call.ticketNumber,
  });
}

/** Numbers outside the centre are dialled on the carrier trunk. */
export const trunkDial = (number: string) => `PJSIP/${number}@trunk`;

/** An agent who can take a transferred call now (logged in, phone registered, ready); else a refusal that says why. */
function freeAgent(agents: AgentRegistry, agentId: number, notLoggedIn: string): AgentInfo & { endpoint: string } {
  const agent = agents.get(agentId);
  if (!agent?.endpoint || agent.state === 'offline') throw new CallControlError(notLoggedIn);
  if (!agents.isPhoneRegistered(agent.endpoint)) throw new CallControlError('目标坐席话机未注册');
  if (agent.state !== 'ready') throw new CallControlError('目标坐席不空闲');
  return { ...agent, endpoint: agent.endpoint };
}

/**
 * `handOver` is what the agent asked for: a target that may not be reached that way (a sub-centre's
 * transfer mode) is refused here, before anything rings. The route is read through the config cache,
 * which an admin's change drops: the next command follows the new mode.
 */
export async function resolveTarget(db: Db, agents: AgentRegistry, target: TransferTarget, now: Date, handOver: HandOver): Promise<ResolvedTarget> {
  switch (target.kind) {
    case 'agent': {
      const agent = freeAgent(agents, target.agentId, '目标坐席未登录');
      return { kind: 'phone', dial: agent.endpoint, label: `坐席 ${agent.login} ${agent.name}`, agentId: agent.agentId, emergency: false };
    }
    case 'skill': {
      // Agents read the skill's name (e.g. 技能组 综合受理), never its code.
      const skill = (await listSkills(db)).find((s) => s.code === target.skill);
      if (!skill) throw new CallControlError('技能组不存在');
      return { kind: 'queue', skill: target.skill, label: `技能组 ${skill.name}` };
    }
    case 'expert': {
      const seat = await findExpertSeat(db, target.expertSeatId);
      if (!seat?.enabled) throw new CallControlError('专家座席不存在或已停用');
      if (!isOnDuty(seat.onDuty as DutyWindow[], now, await readWorkingCalendar(db))) throw new CallControlError(`${seat.name} 不在值班时间`);
      if (seat.agentId !== null) {
        // The seat's agent is rung like any colleague: logged in, phone registered, free now.
        const agent = freeAgent(agents, seat.agentId, '专家座席未登录');
        return { kind: 'phone', dial: agent.endpoint, label: `专家座席 ${seat.name}`, agentId: seat.agentId, emergency: false };
      }
      return { kind: 'phone', dial: trunkDial(seat.externalNumber ?? ''), label: `专家座席 ${seat.name}`, agentId: null, emergency: false };
    }
    case 'contact': {
      const contact = await findDepartmentContact(db, target.contactId);
      if (!contact) throw new CallControlError('承办单位联系人不存在');
      // A contact that is an emergency line (市公安局 110) is an emergency transfer: it names the line.
      const emergency = isEmergencyLine(contact.phone);
      const label = emergency ? `${contact.unit} ${contact.person}（${contact.phone}）` : `${contact.unit} ${contact.person}`;
      return { kind: 'phone', dial: trunkDial(contact.phone), label, agentId: null, emergency };
    }
    case 'subcentre': {
      const route = await findActiveRoute(db, target.number);
      if (route?.mode !== 'subcentre' || !route.subcentreDial) throw new CallControlError('分中心不存在');
      const refusal = subcentreRefusal(route, handOver);
      if (refusal) throw new CallControlError(refusal);
      return { kind: 'phone', dial: route.subcentreDial, label: route.name, agentId: null, emergency: false };
    }
    case 'emergency':
      return { kind: 'phone', dial: trunkDial(target.number), label: `紧急热线 ${target.number}`, agentId: null, emergency: true };
  }
}
