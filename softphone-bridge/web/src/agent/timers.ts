/**
 * The desk's clocks: an element with `data-count-up="<epoch ms>"` shows the time since then, one with
 * `data-count-down="<epoch ms>"` the time left until then (never below zero); `data-stop="<epoch ms>"`
 * freezes a count-up at that moment (a call that ended keeps its talk time). One tick a second for
 * the whole page, so a render never has to keep timers of its own.
 */
import { duration } from '../shared/dom.js';

export function countUp(element: HTMLElement, from: number, stop: number | null = null): HTMLElement {
  element.dataset.countUp = String(from);
  if (stop !== null) element.dataset.stop = String(stop);
  else delete element.dataset.stop;
  delete element.dataset.countDown;
  paint(element, Date.now());
  return element;
}

export function countDown(element: HTMLElement, until: number): HTMLElement {
  element.dataset.countDown = String(until);
  delete element.dataset.countUp;
  delete element.dataset.stop;
  paint(element, Date.now());
  return element;
}

/** Stops a clock and empties it. */
export function clearClock(element: HTMLElement): void {
  delete element.dataset.countUp;
  delete element.dataset.countDown;
  delete element.dataset.stop;
  element.textContent = '';
}

function paint(element: HTMLElement, now: number): void {
  const { countUp: up, countDown: down, stop } = element.dataset;
  if (up !== undefined) element.textContent = duration(((stop !== undefined ? Number(stop) : now) - Number(up)) / 1000);
  else if (down !== undefined) element.textContent = duration(Math.max(0, Number(down) - now) / 1000);
}

let started = false;

/** Starts the page's one tick (once). */
export function startTicking(root: ParentNode = document): void {
  if (started) return;
  started = true;
  setInterval(() => {
    const now = Date.now();
    for (const element of root.querySelectorAll<HTMLElement>('[data-count-up], [data-count-down]')) paint(element, now);
  }, 1000);
}
