/** Creates an element with a class and text; the only way this client puts text on the page (never innerHTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from the page`);
  return e as T;
}

/** A stable DOM id fragment for an occurrence id (which may hold dots and colons). */
export const domId = (occurrenceId: string): string => occurrenceId.replace(/[^A-Za-z0-9_-]/g, '_');
