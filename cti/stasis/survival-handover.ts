/**
 * A caller the server answered but cannot take on, because their arrival could not be recorded (the
 * database refused or failed the write, tried again): rather than leave them in silence in the
 * application, the server hands them to the dialplan's survival path (asterisk-config/extensions.conf,
 * [hotline-outage]), the one that serves callers while the server is down: the outage notice, a
 * recording, Asterisk's own queue of the agents' phones, and a record in AstDB that the outage import
 * (cti/recovery/outage-importer.ts) turns into the call's row and ticket once the database takes
 * writes again.
 */
import { AriError, type AriChannel } from '../ari/ari-types.js';
import { maskNumber, type Logger } from '../logging.js';
import type { PbxAri } from '../nodes/pbx-ari.js';
import type { ArrivedCall } from './inbound-arrival.js';

/** The dialplan context of the survival path; its extension is the hotline number dialled. */
export const SURVIVAL_CONTEXT = 'hotline-outage';

/** How a hand-over went: `gone`: the caller had hung up (Asterisk no longer has the channel). */
export type HandOver = 'handed' | 'gone' | 'failed';

const HAND_OVER_RETRY_MS = 500;

/** Hands the caller over, trying once more after 0.5 s when Asterisk did not take it. Never throws. */
export async function handToSurvivalPath(ari: PbxAri, log: Logger, channel: AriChannel, dialledNumber: string): Promise<HandOver> {
  const who = { channelId: channel.id, caller: maskNumber(channel.caller.number), dialled: dialledNumber };
  for (let attempt = 1; ; attempt++) {
    try {
      await ari.continueInDialplan(channel.id, { context: SURVIVAL_CONTEXT, extension: dialledNumber });
      log.warn(who, 'caller handed to the survival path: Asterisk serves the call and keeps its record for the outage import');
      return 'handed';
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') {
        log.info(who, 'caller gone before the hand-over to the survival path');
        return 'gone';
      }
      if (attempt > 1) {
        log.error({ ...who, err: (error as Error).message }, 'could not hand the caller to the survival path');
        return 'failed';
      }
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_RETRY_MS));
    }
  }
}

/**
 * How long an answered caller may wait in silence for their arrival's write before the survival path
 * takes them (a database that hangs: a network partition, a stalled server). A write takes
 * milliseconds normally.
 */
export const ARRIVAL_DEADLINE_MS = 3_000;

export interface HandOverDeps {
  ari: PbxAri;
  log: Logger;
  /** The server is stopping: the caller stays in the application for the next server to take back. */
  stopped: () => boolean;
  /** The caller is on the survival path now (their record is to be imported once they hang up). */
  handedOver: () => void;
  /**
   * The write completed after the caller left the server's hands: its row is to be closed at once,
   * as handed over (the import completes it from Asterisk's record) or as given up (`gone`: the caller
   * hung up in the silence).
   */
  recordedLate: (arrived: ArrivedCall, how: Exclude<HandOver, 'failed'>) => void;
}

/**
 * The arrival's write, bounded: resolves the recorded call, or undefined when the caller is not the
 * server's to serve (handed to the survival path or gone: the write failed on every try or was not
 * done within ARRIVAL_DEADLINE_MS; or the server is stopping, and the row, written or not, is the next
 * server's). When Asterisk does not take the hand-over, the caller is still the server's: served as
 * soon as the write is done, however late. `write` is told to give up its tries once the caller is
 * handed over.
 */
export async function recordOrHandOver<A extends ArrivedCall & { retried: boolean }>(
  deps: HandOverDeps,
  channel: AriChannel,
  dialledNumber: string,
  write: (giveUp: () => boolean) => Promise<A>,
): Promise<A | undefined> {
  let late = false;
  const writing = write(() => late || deps.stopped());
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ARRIVAL_DEADLINE_MS)));
  let outcome: A | 'late';
  try {
    outcome = await Promise.race([writing, deadline]);
  } catch (error) {
    if (deps.stopped()) return undefined;
    deps.log.error({ err: error, channelId: channel.id, caller: maskNumber(channel.caller.number) }, 'could not record the call; the caller goes to the survival path');
    if ((await handToSurvivalPath(deps.ari, deps.log, channel, dialledNumber)) === 'handed') deps.handedOver();
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (outcome !== 'late') return outcome;
  if (deps.stopped()) return undefined;
  deps.log.error({ channelId: channel.id, caller: maskNumber(channel.caller.number), waitedMs: ARRIVAL_DEADLINE_MS }, 'the call is not recorded in time; the caller goes to the survival path');
  const how = await handToSurvivalPath(deps.ari, deps.log, channel, dialledNumber);
  if (how === 'failed') return writing.catch(() => undefined);
  late = true;
  if (how === 'handed') deps.handedOver();
  writing.then(
    // A later try's write, or an earlier one's whose answer was lost: either way this caller's row.
    (arrived) => {
      if (arrived.isNew || arrived.retried) deps.recordedLate(arrived, how);
    },
    () => undefined,
  );
  return undefined;
}
