/**
 * The voice menu the IVR-transfer tests put callers through: key 1 transfers them to a department's
 * number outside the centre (dialled on the trunk), key 0 and a failure queue them.
 */
import { expect } from 'vitest';
import type { client } from '../admin-api/admin-client.js';

/** A department's plain number, outside the centre. */
export const DEPARTMENT_NUMBER = '02361230001';

export function transferMenu(code: string, target = DEPARTMENT_NUMBER) {
  return {
    code,
    name: '住建部门转接',
    prompts: ['menu-main'],
    timeoutSeconds: 5,
    retries: 1,
    invalidPrompt: 'invalid-input',
    options: { '1': { type: 'transfer', target }, '0': { type: 'queue', skill: 'general' } },
    onFailure: { type: 'queue', skill: 'general' },
  };
}

/** Creates the menu through the admin API and puts it on the 12333 route: its next caller hears it. */
export async function putTransferMenuOn12333(admin: ReturnType<typeof client>, code: string, target = DEPARTMENT_NUMBER): Promise<void> {
  const created = await admin<{ id: number }>('POST', '/api/v1/menus', transferMenu(code, target));
  expect(created.status).toBe(201);
  const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
  expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: created.body.id })).status).toBe(200);
}
