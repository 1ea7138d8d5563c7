/**
 * Response helpers mirroring manager.c `astman_send_response_full` and friends: `Response:`, the
 * request's `ActionID` when it had one, then `EventList:`/`Message:`.
 */
import type { AmiField, AmiMessage } from './frame.js';
import { getHeader } from './frame.js';

export interface Responder {
  readonly message: AmiMessage;
  send(fields: readonly AmiField[]): void;
}

/** `ActionID: x` when the request carried a non-empty ActionID, else nothing. */
export function actionIdFields(message: AmiMessage): AmiField[] {
  const id = getHeader(message, 'ActionID');
  return id === '' ? [] : [['ActionID', id]];
}

/** The head of a response whose body the caller appends (`astman_start_ack`). */
export function responseHead(message: AmiMessage, response = 'Success'): AmiField[] {
  return [['Response', response], ...actionIdFields(message)];
}

export function sendAck(responder: Responder, text: string): void {
  responder.send([...responseHead(responder.message), ['Message', text]]);
}

export function sendError(responder: Responder, text: string): void {
  responder.send([...responseHead(responder.message, 'Error'), ['Message', text]]);
}

/** `Response: Success` + `EventList: start` that opens a list action. */
export function sendListAck(responder: Responder, text: string): void {
  responder.send([...responseHead(responder.message), ['EventList', 'start'], ['Message', text]]);
}

/** The `…Complete` event that closes a list action. */
export function sendListComplete(responder: Responder, eventName: string, count: number, extra: readonly AmiField[] = []): void {
  responder.send([
    ['Event', eventName],
    ...actionIdFields(responder.message),
    ['EventList', 'Complete'],
    ['ListItems', String(count)],
    ...extra,
  ]);
}
