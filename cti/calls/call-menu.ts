/**
 * Walks a caller through a route's IVR menu (ivr/interpreter.ts) over the call's media port, with
 * the menus as they are in the store now (an admin's change applies to the next caller). A menu that
 * is missing or invalid sends the caller to the queue rather than leave them in silence.
 */
import { runIvr, type IvrOutcome, type IvrRunOptions, type IvrStep } from '../../ivr/interpreter.js';
import type { MediaPort } from '../../ivr/media-port.js';
import { validateMenus } from '../../ivr/validate-menus.js';
import { isWithheldNumber } from '../../routing/caller-identity.js';
import { findMenu, findTicketByNumber, listMenus, type Db } from '../../store/index.js';
import type { Logger } from '../logging.js';

export interface MenuResult {
  outcome: IvrOutcome | null;
  steps: IvrStep[];
}

/** Null when the menu cannot run (the caller goes to the queue); otherwise what the caller chose. */
export async function loadMenus(
  db: Db,
  menuId: number,
  log: Logger,
  callId: string,
): Promise<{ start: string; run: (port: MediaPort, callerNumber: string, defaultSkill: string, options?: IvrRunOptions) => Promise<MenuResult> } | null> {
  const start = await findMenu(db, menuId);
  const checked = validateMenus((await listMenus(db)).map((m) => m.definition));
  if (!start || !checked.ok) {
    log.error({ callId, menuId }, 'menu missing or invalid; caller goes to the queue');
    return null;
  }
  const menus = new Map(checked.menus.map((m) => [m.code, m]));
  const startCode = (start.definition as { code: string }).code;
  return {
    start: startCode,
    run: async (port, callerNumber, defaultSkill, options) => {
      // A caller who withheld their number owns no ticket the progress query may read out (routing/caller-identity.ts).
      const withheld = isWithheldNumber(callerNumber);
      const context = { port, menus, callerNumber, lookupTicket: (number: string) => (withheld ? undefined : findTicketByNumber(db, number)) };
      const result = await runIvr(startCode, context, { kind: 'queue', skill: defaultSkill }, options);
      return { outcome: result.outcome, steps: result.steps };
    },
  };
}
