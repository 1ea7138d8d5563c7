/**
 * How messages from the PBX reach the server, in place of the `asterisk-manager` package's own
 * dispatch. The package emits each message on one emitter under names the PBX chooses — the event's
 * name lowercased, the ActionID — beside its own `close`, `error` and `rawevent`, so a PBX could
 * reach those: an event named `Close` made the link look dropped (and the reconnect left the old
 * socket open), one named `RawEvent` fed itself forever (the server stopped answering anything), a
 * reply with ActionID `error`, `managerevent` or `rawevent` threw on a missing message, and a repeated
 * `UserEvent:` line threw inside the socket's data handler — each one the end of the process.
 *
 * Here a reply goes only to the callback of an action waiting for it (an ActionID someone listens
 * on that is none of the emitter's own names), an event only to `managerevent` (with its name as a
 * string), and anything else is dropped. Like the package, both go out on the next tick.
 */
import type { Manager, RawAmiMessage } from 'asterisk-manager';

/** The names the package and its socket use on the emitter: never a PBX's to trigger. */
const OWN_NAMES = new Set(['close', 'error', 'connect', 'end', 'data', 'timeout', 'drain', 'rawevent', 'managerevent', 'response', 'asterisk', 'newListener', 'removeListener']);

const first = (value: RawAmiMessage[string]): string | undefined => (typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined);

export function dispatchSafely(manager: Manager, dropped: (why: string) => void): void {
  manager.removeAllListeners('rawevent');
  manager.on('rawevent', (raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      dropped('not a message');
      return;
    }
    const message = raw as RawAmiMessage;
    const response = typeof message['response'] === 'string' ? message['response'] : undefined;
    const actionId = typeof message['actionid'] === 'string' ? message['actionid'] : undefined;
    const event = first(message['event']);
    if (response !== undefined && actionId !== undefined && !OWN_NAMES.has(actionId) && manager.listeners(actionId).length > 0) {
      const error = response.toLowerCase() === 'error' ? message : undefined;
      process.nextTick(() => manager.emit(actionId, error, message));
    }
    if (event !== undefined) {
      message['event'] = event;
      process.nextTick(() => manager.emit('managerevent', message));
    } else if (response === undefined) dropped('neither an event nor a reply');
  });
}
