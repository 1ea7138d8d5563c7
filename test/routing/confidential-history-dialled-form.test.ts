/**
 * A 回访 dials a typed 联系电话 in the form a citizen's number is kept in (+86 139-0013-7733 is dialled
 * as 13900137733: cti/callbacks/survey-callbacks.ts), so a history line that names the number it
 * dialled names that form. For a confidential ticket, everyone but its agent reads it masked, as the
 * number as typed is.
 */
import { describe, expect, it } from 'vitest';
import { historyView } from '../../routing/tickets/confidentiality.js';

const ticket = { confidential: true, agentId: 7, callerNumber: '13800137701', callerName: '张三', contactPhone: '+86 139-0013-7733' };
const history = [{ note: '回访拨打 13900137733 未接通' }, { note: '联系电话 +86 139-0013-7733' }];

describe('a confidential ticket’s history', () => {
  it('masks the 联系电话 also in the form it was dialled in, for everyone but its agent', () => {
    const read = historyView(history, ticket, 8).map((e) => e.note);
    expect(read.join(' ')).not.toContain('13900137733');
    expect(read.join(' ')).not.toContain('+86 139-0013-7733');
    expect(read[0]).toBe('回访拨打 139****7733 未接通');
    expect(historyView(history, ticket, 7)).toEqual(history);
  });
});
