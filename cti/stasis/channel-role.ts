/**
 * Tells the channels in the Stasis application apart. The dialplan sends a citizen's call in with the
 * dialled number as the only argument (`Stasis(hotline12345,${EXTEN})`); channels the server
 * originates itself carry a role keyword first (`agent,<caller channel id>`, `consult,…`, `snoop,…`),
 * so they are never mistaken for a new inbound call.
 */
export const OWN_CHANNEL_ROLES = ['agent', 'consult', 'snoop', 'callback', 'supervisor'] as const;
export type OwnChannelRole = (typeof OWN_CHANNEL_ROLES)[number];

export type ChannelRole =
  | { kind: 'inbound'; dialledNumber: string }
  | { kind: 'own'; role: OwnChannelRole; args: string[] }
  | { kind: 'invalid'; reason: string };

const DIALLED = /^[0-9*#+]{1,32}$/;

export function classifyStasisArgs(args: readonly string[]): ChannelRole {
  const [first, ...rest] = args;
  if (first === undefined || first === '') return { kind: 'invalid', reason: 'no Stasis argument (dialled number expected)' };
  const role = OWN_CHANNEL_ROLES.find((r) => r === first);
  if (role) return { kind: 'own', role, args: rest };
  if (!DIALLED.test(first)) return { kind: 'invalid', reason: 'first Stasis argument is not a dialled number' };
  return { kind: 'inbound', dialledNumber: first };
}
