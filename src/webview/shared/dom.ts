// DOM helpers shared by the panels' front-ends (bundled into each panel's script; no main.ts here,
// so scripts/build.mjs makes no bundle of its own for this folder).

interface VsCodeApi<M> {
  postMessage(message: M): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi<M>(): VsCodeApi<M>;

/** The webview API, typed by the messages this panel sends (src/protocol/webview.ts). */
export function vscodeApi<M>(): VsCodeApi<M> {
  return acquireVsCodeApi<M>();
}

type Child = Node | string | undefined | null | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Creates an element: attributes (on* are listeners; false/undefined are left out) and children. */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    // Through the CSSOM: the panels' CSP (style-src with a nonce) blocks style attributes.
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

/** An address that opens the memory view when clicked (or with Enter when focused); plain text without a reference. */
export function addrLink(text: string | undefined, memoryReference: string | undefined, open: (ref: string) => void, focusable = false): HTMLElement {
  if (!text) return h('span', { class: 'muted' }, '—');
  if (!memoryReference) return h('span', { class: 'addr', title: 'host-physical address (no guest memory reference)' }, text);
  const go = (e: Event): void => { e.stopPropagation(); open(memoryReference); };
  return h('a', {
    class: 'addr link', role: 'link', tabindex: focusable ? 0 : -1, title: `Open ${memoryReference} in the memory view`,
    onclick: go, onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') go(e); },
  }, text);
}

/** Replaces the children of `el`. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== null && c !== false));
}

/**
 * Arrow-key navigation over a list of rows with a roving tabindex (WAI-ARIA tree/grid pattern):
 * Up/Down/Home/End move focus; the caller handles the rest (Left/Right/Enter).
 */
export function moveFocus(rows: HTMLElement[], current: HTMLElement, key: string): HTMLElement | undefined {
  const i = rows.indexOf(current);
  let j = i;
  if (key === 'ArrowDown') j = Math.min(rows.length - 1, i + 1);
  else if (key === 'ArrowUp') j = Math.max(0, i - 1);
  else if (key === 'Home') j = 0;
  else if (key === 'End') j = rows.length - 1;
  else return undefined;
  return focusRow(rows, rows[j]);
}

export function focusRow(rows: HTMLElement[], row: HTMLElement | undefined): HTMLElement | undefined {
  if (!row) return undefined;
  for (const r of rows) r.tabIndex = r === row ? 0 : -1;
  row.focus();
  return row;
}
