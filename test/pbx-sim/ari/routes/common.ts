/** Lookups with Asterisk's error answers, shared by the ARI resources. */
import { PbxError } from '../../core/api.js';
import type { Bridge } from '../../core/bridge.js';
import type { Channel } from '../../core/channel.js';
import type { Pbx } from '../../core/pbx.js';
import { HttpError } from '../http.js';
import type { Params } from '../http.js';

/** `find_control` in resource_channels.c: 404 when unknown, 409 when not in Stasis. */
export function findControl(pbx: Pbx, id: string): Channel {
  const ch = pbx.channel(id);
  if (!ch) throw new HttpError(404, 'Channel not found');
  if (!ch.stasis) throw new HttpError(409, 'Channel not in Stasis application');
  return ch;
}

/** `channel_state_invalid`: outbound channels not yet answered cannot be manipulated. */
export function requireValidState(ch: Channel): void {
  if (ch.state === 'Down' || ch.state === 'Rsrvd' || ch.state === 'Ringing') throw new HttpError(412, 'Channel in invalid state');
}

/** `find_bridge` in resource_bridges.c: 404 unknown, 409 for bridges ARI does not control. */
export function findStasisBridge(pbx: Pbx, id: string): Bridge {
  const bridge = pbx.bridges.get(id);
  if (!bridge) throw new HttpError(404, 'Bridge not found');
  if (bridge.bridgeClass !== 'stasis') throw new HttpError(409, 'Bridge not in Stasis application');
  return bridge;
}

/** Run a core operation, turning its PbxError into the given HTTP statuses. */
export function core<T>(fn: () => T, map: Partial<Record<PbxError['kind'], number>> = {}): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PbxError) {
      const defaults = { 'not-found': 404, conflict: 409, unprocessable: 422, 'bad-request': 400 } as const;
      throw new HttpError(map[err.kind] ?? defaults[err.kind], err.message);
    }
    throw err;
  }
}

export const NO_CONTENT = { status: 204 } as const;

/**
 * The `media` of a play request: a comma list in one parameter. Repeated `media=` query parameters
 * do not add items — the generated parser keeps one of them (runs6-11-b/ari-run6-requests.txt:
 * `media=sound:beep&media=sound:no-such-prompt&media=sound:beep` plays one beep). A JSON body array
 * is a list.
 */
export function mediaList(p: Params): string[] {
  const body = p.body as Record<string, unknown> | null;
  if (body !== null && typeof body === 'object' && Array.isArray(body['media'])) return p.list('media');
  return (p.str('media') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}
