/**
 * What both fault matrices (one node, several nodes) start from: the database's configuration, the
 * simulator's prompt lengths and the server's settings.
 */
import { listRoutes, listSkills, putMenu, putSetting, updateRoute, type Db } from '../../store/index.js';
import { queueMenu } from './menus.js';

/** Menus, routes and settings written before the server's first start. */
export async function prepareFaultMatrix(db: Db): Promise<void> {
  const general = (await listSkills(db)).find((s) => s.code === 'general');
  if (!general) throw new Error('demo data missing');
  // No automatic callbacks while the test runs (they would ring the trunk on their own).
  await putSetting(db, 'callback-policy', { from: '00:00', to: '00:01', workdaysOnly: false });
  const menu = await putMenu(db, {
    code: 'fm',
    name: '故障测试菜单',
    definition: queueMenu('fm', { name: '故障测试菜单', timeoutSeconds: 2, retries: 0 }),
  });
  const r12315 = (await listRoutes(db)).find((r) => r.number === '12315');
  if (!r12315) throw new Error('route 12315 missing');
  await updateRoute(db, r12315.id, { menuId: menu.id, skillId: general.id });
}

/** Dialled numbers: 12333 plays a long notice (the greeting phase), 12315 runs a short menu (IVR), 12345 queues. */
export const DIALLED_GREETING = '12333';
export const DIALLED_IVR = '12315';
export const DIALLED_QUEUE = '12345';

export const FAULT_MATRIX_SIM = {
  // The 12333 notice lasts 2 s of wall time (the greeting phase), the other greetings are short.
  core: { soundDurations: { 'notice-merged-12333': 40, 'greeting-12345': 2, 'greeting-12315': 1, 'menu-main': 1 } },
};

export const FAULT_MATRIX_ENV = { CTI_RING_TIMEOUT: '5', CTI_WRAP_UP: '1' };

/** The matrices' rows (what goes wrong) and columns (where the calls stand when it does). */
export type Fault = 'drop-ami' | 'drop-ari' | 'pbx-restart' | 'kill-9' | 'takeover';
export type Phase = 'greeting' | 'ivr' | 'queued' | 'ringing' | 'bridged' | 'held' | 'consulting' | 'three-way';
export const FAULTS: Fault[] = ['drop-ami', 'drop-ari', 'pbx-restart', 'kill-9', 'takeover'];
export const PHASES: Phase[] = ['greeting', 'ivr', 'queued', 'ringing', 'bridged', 'held', 'consulting', 'three-way'];
/** The phases in which an agent has the call. */
export const AGENT_PHASES: Phase[] = ['ringing', 'bridged', 'held', 'consulting', 'three-way'];
/** The number each phase's callers dial. */
export const DIALLED: Record<Phase, string> = {
  greeting: DIALLED_GREETING,
  ivr: DIALLED_IVR,
  queued: DIALLED_QUEUE,
  ringing: DIALLED_QUEUE,
  bridged: DIALLED_QUEUE,
  held: DIALLED_QUEUE,
  consulting: DIALLED_QUEUE,
  'three-way': DIALLED_QUEUE,
};
