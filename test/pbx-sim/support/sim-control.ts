/** The simulator's control API (`/sim/…`): what the outside world (phones, the network) does, and what a channel hears. */
import type { PbxSim } from '../index.js';

export interface SimChannelView {
  id: string;
  name: string;
  hearing: string | null;
  hears: string[];
  sends: boolean;
  onHold: boolean;
  bridgeId: string | null;
}

export async function control<T = unknown>(sim: PbxSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.httpUrl}/sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function simChannel(sim: PbxSim, id: string): Promise<SimChannelView> {
  return (await control<SimChannelView>(sim, 'GET', `/channels/${id}`)).body;
}

/** What a bridge's recording hears, by channel id (the bridge must be recording). */
export async function recordingHears(sim: PbxSim, bridgeId: string): Promise<string[] | undefined> {
  const bridges = (await control<{ id: string; recordingHears?: string[] }[]>(sim, 'GET', '/bridges')).body;
  return bridges.find((b) => b.id === bridgeId)?.recordingHears;
}
