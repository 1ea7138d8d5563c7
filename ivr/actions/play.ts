/** Play information, then offer the same menu again. */
import type { IvrAction } from '../menu-schema.js';
import type { IvrActionHandler } from './action.js';

export const playAction: IvrActionHandler<Extract<IvrAction, { type: 'play' }>> = {
  async run(action, { port }) {
    await port.play(action.prompts);
    return { next: 'repeat' };
  },
};
