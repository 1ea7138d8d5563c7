/**
 * The bench's side of its desktop host (desk-host.ts, a child process): the desktops' logins, ready
 * commands and inbox counts as requests, each desktop's first `call.offered` as an event timed on
 * the machine's clock (bench-clock.ts).
 */
import type { DeskEvent, DeskReply, DeskRequest } from './desk-host-messages.js';
import { HostClient } from './host-client.js';

export type DeskHost = HostClient<DeskRequest, DeskReply, DeskEvent>;

export const startDeskHost = (): Promise<DeskHost> => HostClient.start<DeskRequest, DeskReply, DeskEvent>('the desktop host', 'desk-host');
