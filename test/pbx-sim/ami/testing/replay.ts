/**
 * Replays a recorded AMI session against the simulator and reduces both sides to comparable
 * shapes: the sequence of frames, each as its kind (`Newchannel`, `Response:Success`) and its field
 * names in order. Values (ids, times, addresses) are not compared.
 */
import type { AmiField } from '../frame.js';
import { fieldValue, frameKind } from '../recording.js';
import type { Recording } from '../recording.js';
import { RawAmiClient } from './raw-client.js';

/** `Newchannel: Privilege,Channel,ChannelState,…` */
export function frameShape(fields: readonly AmiField[]): string {
  return `${frameKind(fields)}: ${fields
    .slice(1)
    .map(([key]) => key)
    .join(',')}`;
}

export interface ReplayHooks {
  /** Called for each recorder note (e.g. `all channels hung up: true`); resolve when the simulator got there. */
  onNote?(text: string, client: RawAmiClient): Promise<void>;
  /** Called after each client chunk has been answered, with the ActionIDs it carried. */
  afterAction?(actionIds: string[], client: RawAmiClient): Promise<void>;
}

export interface ReplayResult {
  banner: string | undefined;
  frames: AmiField[][];
}

/** Send the recording's client chunks verbatim, each once the previous one is fully answered. */
export async function replay(recording: Recording, port: number, hooks: ReplayHooks = {}): Promise<ReplayResult> {
  const client = await RawAmiClient.connect(port);
  try {
    await client.waitFor(() => client.banner !== undefined, 'banner');
    for (const step of recording.steps) {
      if (step.kind === 'note') {
        if (step.text === 'SOCKET CLOSED') await client.closed;
        else await hooks.onNote?.(step.text, client);
        continue;
      }
      if (step.kind !== 'client') continue;
      const actionIds = step.messages.map((message) => fieldValue(message, 'ActionID'));
      client.write(step.text);
      for (const actionId of actionIds) {
        // Wait for what the recording shows as the last frame of this action (its response, a
        // list's `…Complete`, or an async Originate's OriginateResponse).
        // An unexpected error response also ends the wait; the comparison then shows the difference.
        const expectedKind = lastKindFor(recording, actionId);
        await client.waitFor(
          (frames) =>
            frames.some(
              (frame) =>
                fieldValue(frame, 'ActionID') === actionId && (frameKind(frame) === expectedKind || frameKind(frame) === 'Response:Error'),
            ),
          `${expectedKind} for ${actionId}`,
        );
      }
      await hooks.afterAction?.(actionIds, client);
    }
    return { banner: client.banner, frames: client.frames() };
  } finally {
    client.close();
  }
}

function lastKindFor(recording: Recording, actionId: string): string {
  let kind = 'Response:Success';
  for (const step of recording.steps) {
    if (step.kind === 'server' && fieldValue(step.fields, 'ActionID') === actionId) kind = frameKind(step.fields);
  }
  return kind;
}

/** Resolve once no frame has arrived for `quietMs` (the simulator's timers have run out). */
export async function settled(client: RawAmiClient, quietMs = 300): Promise<void> {
  let last = client.received.length;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (client.received.length === last) return;
    last = client.received.length;
  }
}
