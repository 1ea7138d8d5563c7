/** Transfer to a number outside the IVR (a sub-centre, a department line). */
import type { IvrAction } from '../menu-schema.js';
import type { IvrActionHandler } from './action.js';

export const transferAction: IvrActionHandler<Extract<IvrAction, { type: 'transfer' }>> = {
  run: (action) => Promise.resolve({ next: 'exit', outcome: { kind: 'transfer', target: action.target } }),
};
