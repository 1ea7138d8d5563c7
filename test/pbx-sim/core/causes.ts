/** Q.850 cause codes and the texts Asterisk prints for them (`ast_cause2str`). */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  2: 'No route to specified transmit network',
  3: 'No route to destination',
  6: 'Channel unacceptable',
  7: 'Call awarded and being delivered in an established channel',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  22: 'Number changed',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format',
  29: 'Facility rejected',
  30: 'Response to STATus ENQuiry',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  44: 'Requested channel not available',
  50: 'Requested facility not subscribed',
  58: 'Bearer capability not available',
  65: 'Bearer capability not implemented',
  66: 'Channel type not implemented',
  69: 'Requested facility not implemented',
  81: 'Invalid call reference value',
  88: 'Incompatible destination',
  95: 'Invalid message unspecified',
  96: 'Mandatory information element is missing',
  97: 'Message type nonexistent/not implemented',
  98: 'Wrong message',
  99: 'Info. element nonexist or not implemented',
  100: 'Invalid information element contents',
  101: 'Message not compatible with call state',
  102: 'Recover on timer expiry',
  111: 'Protocol error, unspecified',
  127: 'Interworking, unspecified',
};

export const CAUSE = {
  NORMAL: 16,
  BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  ANSWERED_ELSEWHERE: 26,
  UNALLOCATED: 1,
  CONGESTION: 34,
} as const;

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

/**
 * chan_pjsip's hangup_cause2sip(): the SIP response an unanswered channel is refused with for a
 * cause, which ARI and AMI report as its `tech_cause`/`TechCause` (0: none).
 */
export function causeToSip(cause: number): number {
  const codes: Record<number, number> = {
    1: 404, 2: 404, 3: 404, 17: 486, 18: 408, 19: 480, 20: 480, 21: 403, 22: 410, 27: 502, 28: 484,
    31: 480, 34: 503, 38: 500, 42: 503, 58: 488, 65: 488, 88: 488, 102: 504,
  };
  return codes[cause] ?? 0;
}
