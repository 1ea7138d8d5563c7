/**
 * Which node each channel, bridge, playback and recording lives on. Learned from the node an event
 * came from and from the node a request created something on. Ids are unique across nodes (each
 * Asterisk has its own `systemname`, and the server's own ids are UUIDs), so one map per kind is
 * enough; a channel id seen on two nodes at once means two nodes share a systemname, and is reported.
 *
 * An entry is forgotten a while after its thing ended (after StasisEnd the application hears nothing
 * more of a channel, yet may still hang it up), so the maps stay small over a day of calls. An id
 * not known here is looked for on every node (pbx-ari.ts).
 */
export type IdKind = 'channel' | 'bridge' | 'playback' | 'recording';

const KINDS: readonly IdKind[] = ['channel', 'bridge', 'playback', 'recording'];

export class IdHomes {
  private readonly homes = new Map<IdKind, Map<string, string>>(KINDS.map((k) => [k, new Map()]));
  /** Ended ids, forgotten at the second sweep after they ended. */
  private ending: [IdKind, string][] = [];
  private ended: [IdKind, string][] = [];

  constructor(private readonly onClash: (kind: IdKind, id: string, nodes: [string, string]) => void) {}

  nodeOf(kind: IdKind, id: string): string | undefined {
    return this.homes.get(kind)?.get(id);
  }

  learn(kind: IdKind, id: string, node: string): void {
    const map = this.homes.get(kind);
    if (!map) return;
    const known = map.get(id);
    if (known !== undefined && known !== node) this.onClash(kind, id, [known, node]);
    map.set(id, node);
  }

  /** The thing ended: its id is kept a little longer for requests still on their way. */
  retire(kind: IdKind, id: string): void {
    this.ending.push([kind, id]);
  }

  /** Forgets what ended before the previous sweep (called every minute or so). */
  sweep(): void {
    for (const [kind, id] of this.ended) this.homes.get(kind)?.delete(id);
    this.ended = this.ending;
    this.ending = [];
  }

  /** A node restarted or was lost: nothing of it is where it was. */
  forgetNode(node: string): void {
    for (const map of this.homes.values()) for (const [id, home] of map) if (home === node) map.delete(id);
  }

  size(kind: IdKind): number {
    return this.homes.get(kind)?.size ?? 0;
  }
}
