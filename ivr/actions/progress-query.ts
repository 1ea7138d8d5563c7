/**
 * 查询办理进度: the caller keys a ticket number and `#`. Only a ticket opened from the same number is
 * read out (status prompt, then the number); anything else gets the same neutral "not found", so the
 * IVR never confirms that someone else's ticket exists.
 */
import type { IvrAction } from '../menu-schema.js';
import { PROMPTS, ticketStatusPrompt } from '../prompts.js';
import type { IvrActionHandler } from './action.js';

const MAX_TICKET_DIGITS = 16;

export const progressQueryAction: IvrActionHandler<Extract<IvrAction, { type: 'progress-query' }>> = {
  async run(_action, { port, callerNumber, lookupTicket }) {
    await port.play([PROMPTS.enterTicketNumber]);
    const input = await port.collect({
      maxDigits: MAX_TICKET_DIGITS,
      terminator: '#',
      firstDigitTimeoutMs: 10_000,
      interDigitTimeoutMs: 5_000,
    });
    const ticket = /^\d+$/.test(input.digits) ? await lookupTicket(input.digits) : undefined;
    if (ticket && ticket.callerNumber === callerNumber) {
      await port.play([PROMPTS.ticketStatusIs, ticketStatusPrompt(ticket.status), `digits:${input.digits}`]);
    } else {
      await port.play([PROMPTS.ticketNotFound]);
    }
    return { next: 'repeat' };
  },
};
