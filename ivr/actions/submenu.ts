/** Go to another menu. */
import type { IvrAction } from '../menu-schema.js';
import type { IvrActionHandler } from './action.js';

export const submenuAction: IvrActionHandler<Extract<IvrAction, { type: 'menu' }>> = {
  run: (action) => Promise.resolve({ next: 'menu', menu: action.menu }),
};
