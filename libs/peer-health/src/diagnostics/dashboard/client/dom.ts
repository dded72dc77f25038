/** The page's elements by id: the page is served with the script, so a missing one is a bug. */
export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the dashboard page has no #${id}`);
  return el;
}

/** An input element of the page by id. */
export function $input(id: string): HTMLInputElement | HTMLSelectElement {
  const el = $(id);
  if (!(el instanceof HTMLInputElement) && !(el instanceof HTMLSelectElement)) throw new Error(`#${id} is no input`);
  return el;
}

/** Sets an element's text only when it changed (untrusted text reaches the page only this way). */
export function text<E extends HTMLElement>(el: E, value: string): E {
  if (el.textContent !== value) el.textContent = value;
  return el;
}

/** A new element with an optional class and text. */
export function make<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, value?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (value !== undefined) el.textContent = value;
  return el;
}
