/**
 * The desk's frame: a sticky call bar on top, the call column (screen-pop, transfer and dialling) on
 * the left, and a tabbed column of side panels on the right (工单登记, 知识库, 我的工单, 工单查询,
 * 漏接回拨 …). A panel joins the desk with one call, from anywhere, before or after login:
 *
 *   addPanel('knowledge', '知识库', (desk) => new KnowledgePanel(desk.token).element, { order: 20 });
 *
 * A factory is called each time the desk is built (after every login), with the login's token; a
 * plain element is mounted as it is. The desk tells panels about the call through DOM events on
 * `document` (see `DESK_TICKET_EVENT`).
 */
import { h, replace } from '../shared/dom.js';

/** What a panel may ask of the desk. */
export interface DeskContext {
  /** The login's bearer token (changes only with a new login); pass it on as it is, e.g. `new Panel(desk.token)`. */
  token: () => string;
  agentId: number;
  /** The ticket of the call on the desk now (ringing, talking or just ended), or null. */
  ticketNumber: () => string | null;
}

export type PanelContent = HTMLElement | ((desk: DeskContext) => HTMLElement);

export interface PanelOptions {
  /** Tab position, smaller first (工单登记 is 10, 漏接回拨 90); ties keep the order of adding. */
  order?: number;
}

/**
 * Dispatched on `document` whenever the desk's ticket changes (a pop, a callback, the pop closed):
 * `detail` is `{ ticketNumber: string | null, callId: string | null }`.
 */
export const DESK_TICKET_EVENT = 'desk:ticket';
export interface DeskTicketDetail {
  ticketNumber: string | null;
  callId: string | null;
}

interface Panel {
  id: string;
  label: string;
  content: PanelContent;
  order: number;
  seq: number;
}

const panels: Panel[] = [];
let mounted: { context: DeskContext; tabs: HTMLElement; body: HTMLElement } | null = null;
let selected: string | null = null;
const built = new Map<string, HTMLElement>();
let seq = 0;

/** Adds (or replaces) a side panel, shown as a tab in the right column. */
export function addPanel(id: string, label: string, content: PanelContent, options: PanelOptions = {}): void {
  const index = panels.findIndex((p) => p.id === id);
  const panel: Panel = { id, label, content, order: options.order ?? 50, seq: seq++ };
  if (index >= 0) panels.splice(index, 1, panel);
  else panels.push(panel);
  built.delete(id);
  if (mounted) render();
}

/** Brings a panel's tab to the front (e.g. 工单登记 when a call pops). */
export function showPanel(id: string): void {
  if (!panels.some((p) => p.id === id)) return;
  selected = id;
  if (mounted) render();
}

/** The id of the tab in front, or null before the desk is built. */
export function shownPanel(): string | null {
  return mounted ? selected : null;
}

/** Tells the panels which ticket is on the desk now. */
export function announceTicket(detail: DeskTicketDetail): void {
  document.dispatchEvent(new CustomEvent<DeskTicketDetail>(DESK_TICKET_EVENT, { detail }));
}

export interface DeskFrame {
  root: HTMLElement;
  /** The sticky bar at the top: state, call actions, timers. */
  callBar: HTMLElement;
  /** The left column: screen-pop, transfer targets, dial pad. */
  callColumn: HTMLElement;
}

/** Builds the desk's frame for a login; the panels added so far (and later) appear in its tabs. */
export function buildDesk(context: DeskContext): DeskFrame {
  built.clear();
  const callBar = h('section', { class: 'callbar', id: 'callbar', 'data-testid': 'call-bar', 'aria-label': '通话栏' });
  const callColumn = h('div', { class: 'desk-column desk-call' });
  const tabs = h('div', { class: 'desk-tabs', role: 'tablist', 'aria-label': '工作面板' });
  const body = h('div', { class: 'desk-panel-body' });
  const root = h('div', { class: 'desk' }, callBar, h('div', { class: 'desk-main' }, callColumn, h('div', { class: 'desk-column desk-side' }, tabs, body)));
  mounted = { context, tabs, body };
  render();
  return { root, callBar, callColumn };
}

/** Forgets the desk (logout); registered panels stay registered for the next login. */
export function dropDesk(): void {
  mounted = null;
  built.clear();
}

function render(): void {
  if (!mounted) return;
  const ordered = [...panels].sort((a, b) => a.order - b.order || a.seq - b.seq);
  if (!ordered.some((p) => p.id === selected)) selected = ordered[0]?.id ?? null;
  const { context, tabs, body } = mounted;
  replace(
    tabs,
    ordered.map((p) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${p.id}`,
          class: 'desk-tab',
          'data-testid': `tab-${p.id}`,
          'aria-selected': p.id === selected ? 'true' : 'false',
          'aria-controls': `panel-${p.id}`,
          onclick: () => showPanel(p.id),
        },
        p.label,
      ),
    ),
  );
  // Every panel stays in the page (hidden when not in front), so what an agent typed survives a tab switch.
  const holders = ordered.map((p) => {
    let element = built.get(p.id);
    if (!element) {
      element = typeof p.content === 'function' ? p.content(context) : p.content;
      built.set(p.id, element);
    }
    const holder = h('div', { role: 'tabpanel', id: `panel-${p.id}`, class: 'desk-panel', 'aria-labelledby': `tab-${p.id}`, 'data-testid': `panel-${p.id}` }, element);
    holder.hidden = p.id !== selected;
    return holder;
  });
  replace(body, holders);
}
