/**
 * What the agent had typed in a field whose save the server refused because someone else changed it
 * meanwhile (409, ticket-changes.ts). The form then shows the other's value; the agent's own is kept
 * just after the field — 您的修改（未保存）：… — with 使用我的修改 to put it back (an `input` event, so
 * the form saves it like anything typed) and 忽略 to let it go. Nothing the agent typed is lost to a
 * conflict. The note goes once the agent types in the field again (their new text is what is saved).
 */
import { h } from '../shared/dom.js';

export type FormControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A control's value as on screen, and as the agent reads it (a select's option label). */
export interface TypedValue {
  control: FormControl;
  value: string;
  shown: string;
}

/** The values on screen now of the controls, by field key. */
export function typedValues(controls: Record<string, FormControl>): Map<string, TypedValue> {
  const typed = new Map<string, TypedValue>();
  for (const [key, control] of Object.entries(controls)) {
    const label = control instanceof HTMLSelectElement ? (control.selectedOptions[0]?.textContent ?? '') : control.value;
    const shown = control.value.trim() === '' ? (control instanceof HTMLSelectElement ? '（未选择）' : '（空）') : label;
    typed.set(key, { control, value: control.value, shown });
  }
  return typed;
}

/** Whether the control can take `value` back: a select's choice may be gone from its options since. */
function canTake(control: FormControl, value: string): boolean {
  return !(control instanceof HTMLSelectElement) || [...control.options].some((o) => o.value === value);
}

interface Note {
  element: HTMLElement;
  /** Drops the note when the agent types in the field. */
  onInput: () => void;
}

export class UnsavedEdits {
  private readonly notes = new Map<FormControl, Note>();

  /**
   * Shows these edits after their fields (replacing an earlier note of the same field; the others
   * stay), and returns those shown: a select's choice whose option is gone is not offered back.
   */
  show(edits: TypedValue[]): TypedValue[] {
    const shown: TypedValue[] = [];
    for (const edit of edits) {
      this.drop(edit.control);
      const field = edit.control.closest<HTMLElement>('[data-field]');
      if (!field || !canTake(edit.control, edit.value)) continue;
      const note = h(
        'div',
        { class: 'unsaved-edit', 'data-testid': 'ticket-unsaved-edit', 'data-for': field.dataset.field ?? '' },
        h('span', { class: 'unsaved-edit-label' }, '您的修改（未保存）：'),
        h('span', { class: 'unsaved-edit-text', 'data-testid': 'ticket-unsaved-text' }, edit.shown),
        h('button', { type: 'button', class: 'text-button', 'data-testid': 'ticket-unsaved-use', onclick: () => this.use(edit) }, '使用我的修改'),
        h('button', { type: 'button', class: 'text-button', 'data-testid': 'ticket-unsaved-dismiss', onclick: () => this.drop(edit.control) }, '忽略'),
      );
      // After the field, not inside it: a field is often the control's <label>, whose text is its name.
      field.after(note);
      const onInput = () => this.drop(edit.control);
      edit.control.addEventListener('input', onInput);
      this.notes.set(edit.control, { element: note, onInput });
      shown.push(edit);
    }
    return shown;
  }

  clear(): void {
    for (const control of [...this.notes.keys()]) this.drop(control);
  }

  private use(edit: TypedValue): void {
    // Dropped first, so the `input` below is not taken for the agent typing.
    this.drop(edit.control);
    edit.control.value = edit.value;
    edit.control.dispatchEvent(new Event('input', { bubbles: true }));
  }

  private drop(control: FormControl): void {
    const note = this.notes.get(control);
    if (!note) return;
    note.element.remove();
    control.removeEventListener('input', note.onInput);
    this.notes.delete(control);
  }
}
