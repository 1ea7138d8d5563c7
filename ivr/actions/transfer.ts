/** Transfer to a number outside the IVR (a sub-centre, a department line, an emergency line). */
import { isEmergencyLine } from '../../routing/dial-policy.js';
import { TRANSFER_NUMBER } from '../menu-schema.js';
import type { IvrAction } from '../menu-schema.js';
import type { IvrActionHandler } from './action.js';

/**
 * The emergency line (110/119/120/122) a transfer target reaches, if it reaches one: the plain number,
 * or the number a dial string dials (`PJSIP/110@trunk`).
 */
export function emergencyLineOf(target: string): string | null {
  const number = TRANSFER_NUMBER.test(target) ? target : /^[A-Za-z]+\/([0-9]+)(?:@|$)/.exec(target)?.[1];
  return number !== undefined && isEmergencyLine(number) ? number : null;
}

export const transferAction: IvrActionHandler<Extract<IvrAction, { type: 'transfer' }>> = {
  run: (action) => {
    const emergencyLine = emergencyLineOf(action.target);
    return Promise.resolve({ next: 'exit', outcome: { kind: 'transfer', target: action.target, ...(emergencyLine ? { emergencyLine } : {}) } });
  },
};
