/**
 * Originate (main/manager.c `action_originate`, `fast_originate`): sync waits for the answer and
 * says `Originate successfully queued` or `Originate failed`; async answers at once and later
 * broadcasts `OriginateResponse` with the recorded field layout and reason codes.
 */
import type { OriginateOutcome, OriginateRequest } from '../../core/api.js';
import { parseCallerId } from '../callerid.js';
import type { AmiField } from '../frame.js';
import { getHeader, headerValues } from '../frame.js';
import { EventFlag } from '../permissions.js';
import { actionIdFields, sendAck, sendError } from '../response.js';
import type { ActionHandler } from './context.js';

/** AST_MAX_PUBLIC_UNIQUEID: the longest ChannelId a client may assign. */
const MAX_PUBLIC_UNIQUEID = 149;
const DEFAULT_TIMEOUT_MS = 30_000;
/** How long past its own timeout an originate may take before the session stops waiting for the core. */
const SETTLE_GRACE_MS = 10_000;

interface Settled {
  answered: boolean;
  reason: number;
}

/** `sscanf("%30d")`: a leading integer, or undefined. */
function leadingInt(text: string): number | undefined {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

/** `Variable: a=1,b=2` headers (repeatable) → `{ a: '1', b: '2' }` (manager.c `astman_get_variables`). */
function parseVariables(values: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const value of values) {
    for (const pair of value.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      variables[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    }
  }
  return variables;
}

export const originate: ActionHandler = async (ctx) => {
  const header = (key: string): string => getHeader(ctx.message, key);
  const channel = header('Channel');
  const exten = header('Exten');
  const context = header('Context');
  const priorityText = header('Priority');
  const timeoutText = header('Timeout');
  const callerIdText = header('CallerID');
  const application = header('Application');
  const data = header('Data');
  const channelId = header('ChannelId');

  if (channelId.length > MAX_PUBLIC_UNIQUEID || header('OtherChannelId').length > MAX_PUBLIC_UNIQUEID) {
    sendError(ctx, `Uniqueid length exceeds maximum of ${MAX_PUBLIC_UNIQUEID}\n`);
    return;
  }
  if (channel === '') {
    sendError(ctx, 'Channel not specified');
    return;
  }
  let priority = 0;
  if (priorityText !== '') {
    const parsed = leadingInt(priorityText);
    // Asterisk would also try the text as a priority label; the simulator's dialplan has none.
    if (parsed === undefined || parsed < 1) {
      sendError(ctx, 'Invalid priority');
      return;
    }
    priority = parsed;
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (timeoutText !== '') {
    const parsed = leadingInt(timeoutText);
    if (parsed === undefined) {
      sendError(ctx, 'Invalid timeout');
      return;
    }
    timeoutMs = parsed;
  }
  if (!channel.includes('/')) {
    sendError(ctx, 'Invalid channel');
    return;
  }
  if (application === '' && priority === 0) {
    // Asterisk checks this only for sync originates; an async one without a target is useless anyway.
    sendError(ctx, "Originate with 'Exten' requires 'Context' and 'Priority'");
    return;
  }

  const callerId = parseCallerId(callerIdText);
  const request: OriginateRequest = {
    endpoint: channel,
    ...(application !== '' ? { application, data } : { context, exten, priority }),
    ...(callerIdText !== '' ? { callerId: callerIdText } : {}),
    timeout: timeoutMs / 1000,
    variables: parseVariables(headerValues(ctx.message, 'Variable')),
    ...(channelId !== '' ? { channelId } : {}),
  };

  const isAsync = /^(yes|true|y|t|1|on)$/i.test(header('Async'));
  const core = ctx.hub.core;
  if (isAsync) {
    sendAck(ctx, 'Originate successfully queued');
    const outcome = tryOriginate(core.originate.bind(core), request);
    whenSettled(outcome, timeoutMs, (result) => {
      const answered = result.answered && outcome !== undefined;
      const fields: AmiField[] = [
        ...actionIdFields(ctx.message),
        ['Response', answered ? 'Success' : 'Failure'],
        // A failed originate reports the requested dial string, an answered one its channel.
        ['Channel', answered && outcome ? outcome.channel.name : channel],
        ...(application !== ''
          ? ([
              ['Application', application],
              ['Data', data],
            ] as const)
          : ([
              ['Context', context],
              ['Exten', exten],
            ] as const)),
        ['Reason', String(result.reason)],
        ['Uniqueid', answered && outcome ? outcome.channel.id : channelId || '<unknown>'],
        ['CallerIDNum', callerId.number || '<unknown>'],
        ['CallerIDName', callerId.name || '<unknown>'],
      ];
      ctx.hub.broadcast({ name: 'OriginateResponse', category: EventFlag.call, fields });
    });
    return;
  }

  const outcome = tryOriginate(core.originate.bind(core), request);
  const result = await new Promise<Settled>((resolve) => whenSettled(outcome, timeoutMs, resolve));
  if (result.answered) sendAck(ctx, 'Originate successfully queued');
  else sendError(ctx, 'Originate failed');
};

function tryOriginate(
  originateFn: (request: OriginateRequest) => OriginateOutcome,
  request: OriginateRequest,
): OriginateOutcome | undefined {
  try {
    return originateFn(request);
  } catch {
    // Unknown technology or endpoint: Asterisk's request fails before any channel exists.
    return undefined;
  }
}

/**
 * Call `done` once with the outcome: a failure (reason 0) when there is no outcome or the core never
 * settles it. `done` runs in the very microtask after the core resolves `settled`, so a core that
 * resolves it and yields before raising more events gets OriginateResponse where Asterisk puts it.
 */
function whenSettled(outcome: OriginateOutcome | undefined, timeoutMs: number, done: (result: Settled) => void): void {
  const failure: Settled = { answered: false, reason: 0 };
  if (!outcome) {
    queueMicrotask(() => done(failure));
    return;
  }
  let finished = false;
  const finish = (result: Settled): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(result);
  };
  const timer = setTimeout(() => finish(failure), Math.max(0, timeoutMs) + SETTLE_GRACE_MS);
  timer.unref();
  outcome.settled.then(finish, () => finish(failure));
}
