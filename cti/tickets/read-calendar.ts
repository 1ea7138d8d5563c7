/** China's working-day calendar with the admin's corrections (`/api/v1/calendar`) as stored now. */
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';
import { listCalendarDays, type Db } from '../../store/index.js';

export async function readWorkingCalendar(db: Db): Promise<WorkingCalendar> {
  return new WorkingCalendar((await listCalendarDays(db)).map((d) => ({ date: d.date, kind: d.kind, name: d.name })));
}
