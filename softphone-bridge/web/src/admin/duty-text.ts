/**
 * An expert seat's duty windows as one line of text, both ways: weekdays (`1-5 08:30-17:30`, 1 = 周一)
 * or China's working-day calendar (`工作日 08:30-17:30`: working days, 调休 weekends included and
 * statutory holidays not; `休息日 …`: the other days), several windows separated by semicolons.
 */

export type DutyWindowValue = { days: number[]; from: string; to: string } | { calendar: 'workdays' | 'rest-days'; from: string; to: string };

const DAY_NAMES = ['', '一', '二', '三', '四', '五', '六', '日'];

/** The words typed for a calendar window, and how the list names it. */
const CALENDAR_WORDS = { workdays: '工作日', 'rest-days': '休息日' } as const;
const CALENDAR_LABELS = { workdays: '工作日（含调休上班日）', 'rest-days': '休息日（含法定节假日）' } as const;

interface StoredWindow {
  days?: number[];
  calendar?: string;
  from?: string;
  to?: string;
}

function daysText(w: StoredWindow): string {
  if (w.calendar === 'workdays' || w.calendar === 'rest-days') return CALENDAR_WORDS[w.calendar];
  const days = [...(w.days ?? [])].sort((a, b) => a - b);
  const consecutive = days.length > 2 && days.every((d, i) => i === 0 || d === (days[i - 1] ?? 0) + 1);
  return consecutive ? `${days[0]}-${days[days.length - 1]}` : days.join(',');
}

/** `[{days:[1..5], from, to}, {calendar:'workdays', from, to}]` → `1-5 08:30-17:30; 工作日 08:30-17:30`. */
export function dutyText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value.map((w: StoredWindow) => `${daysText(w)} ${w.from ?? ''}-${w.to ?? ''}`).join('; ');
}

export function parseDuty(text: string): DutyWindowValue[] {
  return text
    .split(/[;；\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): DutyWindowValue => {
      const match = /^(工作日|休息日|[1-7](?:\s*[-,，]\s*[1-7])*)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(part);
      if (!match) throw new Error(`值班时间格式应为“1-5 08:30-17:30”或“工作日 08:30-17:30”，多段用分号分隔：${part}`);
      const [, which, from, to] = match as unknown as [string, string, string, string];
      if (which === CALENDAR_WORDS.workdays) return { calendar: 'workdays', from, to };
      if (which === CALENDAR_WORDS['rest-days']) return { calendar: 'rest-days', from, to };
      const days = new Set<number>();
      for (const piece of which.split(/[,，]/)) {
        const [a, b] = piece.split('-').map((d) => Number(d.trim()));
        for (let d = a!; d <= (b ?? a!); d++) days.add(d);
      }
      return { days: [...days], from, to };
    });
}

/** The list's text: `周一至周五 08:30-17:30`, `工作日（含调休上班日） 08:30-17:30`; no windows: 全天. */
export function dutyLabel(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return '全天';
  return value
    .map((w: StoredWindow) => {
      const hours = `${w.from ?? ''}-${w.to ?? ''}`;
      if (w.calendar === 'workdays' || w.calendar === 'rest-days') return `${CALENDAR_LABELS[w.calendar]} ${hours}`;
      return `${daysText(w)} ${hours}`.replace(/^(\d)-(\d) /, (_m, a: string, b: string) => `周${DAY_NAMES[Number(a)]}至周${DAY_NAMES[Number(b)]} `);
    })
    .join('; ');
}
