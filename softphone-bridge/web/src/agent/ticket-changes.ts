/**
 * What a save of the ticket form sends: only the fields that differ from the copy the desk last read
 * from the server, each with the value it had there (`previous`). The server refuses with 409 a save
 * that would overwrite a field someone else changed since (PROTOCOL.md, 工单表单保存). After each
 * answer the desk takes the server's copy as its new base: fields someone else changed are shown as
 * they now are, the agent's own unsaved edits of the others stay on screen.
 */

/** The form's fields, by the names of the save's body. */
export type FormValues = Record<string, unknown>;

/** Whether two values of a field are the same (no value, null and, for the links, an empty list alike). */
export function sameValue(a: unknown, b: unknown): boolean {
  const plain = (v: unknown) => (v === undefined || (Array.isArray(v) && v.length === 0) ? null : v);
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

/** The fields of `values` that differ from `base`, and their values in `base`; null when none does. */
export function formChanges(values: FormValues, base: FormValues): { body: FormValues; previous: FormValues } | null {
  const body: FormValues = {};
  const previous: FormValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (sameValue(value, base[key])) continue;
    body[key] = value;
    previous[key] = base[key] ?? null;
  }
  return Object.keys(body).length > 0 ? { body, previous } : null;
}

/**
 * Moving to the server's fresh copy: `theirs`, the fields someone else changed (from `old` to `fresh`,
 * other than by the save `sent`); `keep`, the agent's own unsaved edits (`screen` against `old`) of
 * fields nobody else changed — a field both changed shows the other's value (`lost` names it).
 */
export function rebase(screen: FormValues, old: FormValues, fresh: FormValues, sent: FormValues | null): { theirs: string[]; keep: FormValues; lost: string[] } {
  const theirs = Object.keys(screen).filter((key) => !sameValue(fresh[key], old[key]) && !(sent && key in sent && sameValue(sent[key], fresh[key])));
  const mine = formChanges(screen, old)?.body ?? {};
  const keep: FormValues = {};
  const lost: string[] = [];
  for (const [key, value] of Object.entries(mine)) {
    if (!theirs.includes(key)) keep[key] = value;
    else if (!sameValue(value, fresh[key])) lost.push(key);
  }
  return { theirs, keep, lost };
}
