/**
 * A caller the server answered but cannot take on, because their arrival could not be recorded (the
 * database refused or failed the write, tried again): rather than leave them in silence in the
 * application, the server hands them to the dialplan's survival path (asterisk-config/extensions.conf,
 * [hotline-outage]), the one that serves callers while the server is down: the outage notice, a
 * recording, Asterisk's own queue of the agents' phones, and a record in AstDB that the outage import
 * (cti/recovery/outage-importer.ts) turns into the call's row and ticket once the database takes
 * writes again.
 */
import type { AriChannel } from '../ari/ari-types.js';
import { maskNumber, type Logger } from '../logging.js';
import type { PbxAri } from '../nodes/pbx-ari.js';

/** The dialplan context of the survival path; its extension is the hotline number dialled. */
export const SURVIVAL_CONTEXT = 'hotline-outage';

/** Hands the caller over; false when that failed too (the caller gone, Asterisk unreachable). Never throws. */
export async function handToSurvivalPath(ari: PbxAri, log: Logger, channel: AriChannel, dialledNumber: string): Promise<boolean> {
  const who = { channelId: channel.id, caller: maskNumber(channel.caller.number), dialled: dialledNumber };
  try {
    await ari.continueInDialplan(channel.id, { context: SURVIVAL_CONTEXT, extension: dialledNumber });
    log.warn(who, 'caller handed to the survival path: Asterisk serves the call and keeps its record for the outage import');
    return true;
  } catch (error) {
    log.error({ ...who, err: (error as Error).message }, 'could not hand the caller to the survival path');
    return false;
  }
}
