/** The centre works in China Standard Time; ticket numbers and "today" are Asia/Shanghai dates. */
const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `2026-11-22` for the Shanghai calendar day of `at`. */
export function shanghaiDay(at: Date): string {
  return shanghaiDate.format(at);
}

export function isoNow(): string {
  return new Date().toISOString();
}
