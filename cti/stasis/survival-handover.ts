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
import type { ArrivedCall } from './inbound-arrival.js';

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
  /** The write completed after the hand-over: its row is to be closed at once (the import completes it). */
  recordedLate: (arrived: ArrivedCall) => void;
}

/**
 * The arrival's write, bounded: resolves the recorded call, or undefined when the caller is not the
 * server's to serve (handed to the survival path: the write failed on every try or was not done
 * within ARRIVAL_DEADLINE_MS; or the server is stopping). `write` is told to give up its tries once
 * the caller is handed over.
 */
export async function recordOrHandOver<A extends ArrivedCall>(
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
    if (await handToSurvivalPath(deps.ari, deps.log, channel, dialledNumber)) deps.handedOver();
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (outcome !== 'late') return outcome;
  late = true;
  writing.then(
    (arrived) => {
      if (arrived.isNew) deps.recordedLate(arrived);
    },
    () => undefined,
  );
  if (deps.stopped()) return undefined;
  deps.log.error({ channelId: channel.id, caller: maskNumber(channel.caller.number), waitedMs: ARRIVAL_DEADLINE_MS }, 'the call is not recorded in time; the caller goes to the survival path');
  if (await handToSurvivalPath(deps.ari, deps.log, channel, dialledNumber)) deps.handedOver();
  return undefined;
}
