/** 转人工: leave the IVR for the skill's queue. */
import type { IvrAction } from '../menu-schema.js';
import type { IvrActionHandler } from './action.js';

export const queueAction: IvrActionHandler<Extract<IvrAction, { type: 'queue' }>> = {
  run: (action) => Promise.resolve({ next: 'exit', outcome: { kind: 'queue', skill: action.skill } }),
};
