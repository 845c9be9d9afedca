// The HTML of a webview panel (STYLE.md, after vscode-hexeditor): a Content-Security-Policy that
// lets in only the panel's own bundled script (by nonce, fresh on every load) and styles from the
// extension, no remote resources; colours from VS Code's theme variables. Plain strings, no
// `vscode` import, so the rules are unit-tested (test/unit/extension/panels/html.test.ts).
import { randomBytes } from 'node:crypto';

/** A fresh nonce for one load of a webview's HTML (base64 characters, as CSP's nonce-source wants). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface PanelHtmlOptions {
  /** webview.cspSource: the origin of the extension's local resources inside the webview. */
  cspSource: string;
  nonce: string;
  /** webview.asWebviewUri(dist/webview/<panel>.js), as a string. */
  scriptUri: string;
  /** Document title (for screen readers). */
  title: string;
}

/** The Content-Security-Policy of every panel. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(o: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttr(o.title)}</title>
<style nonce="${escapeAttr(o.nonce)}">${PANEL_CSS}</style>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

/** Shared styles: VS Code's theme colours (--vscode-*), so the panels follow light, dark and high-contrast themes. */
export const PANEL_CSS = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px 16px; }
h1 { font-size: 1.4em; margin: 0.6em 0 0.2em; }
h2 { font-size: 1.1em; margin: 1em 0 0.4em; }
.muted { color: var(--vscode-descriptionForeground); }
.mono, .addr, .flags, code { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.error { color: var(--vscode-errorForeground); }
.warn { color: var(--vscode-editorWarning-foreground); }
.ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.empty { padding: 8px; border: 1px dashed var(--vscode-panel-border, var(--vscode-widget-border, #8884)); }
a.link, .link { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; }
a.link:hover, a.link:focus { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
input, select { color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--vscode-panel-border, #8884); margin: 12px 0 8px; }
.tab { background: transparent; color: var(--vscode-foreground); border-bottom: 2px solid transparent; }
.tab.active { border-bottom-color: var(--vscode-panelTitle-activeBorder, var(--vscode-focusBorder)); }
.filters { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0; align-items: center; }
.hint { font-size: 0.9em; }
.tree .row { display: grid; grid-template-columns: minmax(9em, max-content) minmax(22em, 1.6fr) 6em 7em minmax(10em, 1fr) minmax(10em, 1fr) minmax(10em, 1fr); gap: 8px; padding: 1px 4px; }
.tree .row > span:first-child { padding-left: calc(var(--depth, 0) * 16px); }
.tree .row.header { font-weight: bold; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
.tree .row[role=treeitem]:hover { background: var(--vscode-list-hoverBackground); }
.tree .row[role=treeitem]:focus { background: var(--vscode-list-focusBackground, var(--vscode-list-activeSelectionBackground)); outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder)); }
.twisty { display: inline-block; width: 1em; }
.kind-invalid { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
.kind-leaf .flags { color: var(--vscode-symbolIcon-variableForeground, var(--vscode-foreground)); }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 8px; border: 1px solid var(--vscode-panel-border, #8884); vertical-align: top; }
thead th { background: var(--vscode-editorWidget-background); }
caption { text-align: left; padding: 4px 0; color: var(--vscode-descriptionForeground); }
.walk td.cell { min-width: 9em; }
.walk td.none { background: var(--vscode-editorWidget-background); }
.walk td.fault, .fault-row th { background: var(--vscode-inputValidation-errorBackground); border-color: var(--vscode-inputValidation-errorBorder); }
.fault-mark { color: var(--vscode-errorForeground); font-weight: bold; }
.trap { border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); padding-left: 8px; }
.diff tr.state-stale, .diff tr.state-stale-permissions { background: var(--vscode-inputValidation-errorBackground); }
.diff tr.state-not-filled, .diff tr.state-partly-filled { color: var(--vscode-descriptionForeground); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22em, 1fr)); gap: 16px; }
.bars { list-style: none; padding: 0; margin: 0; }
.bar-row { display: grid; grid-template-columns: 10em 1fr 8em; gap: 8px; align-items: center; margin: 2px 0; }
.bar-track { background: var(--vscode-editorWidget-background); height: 0.9em; }
.bar { display: block; height: 100%; background: var(--vscode-charts-blue, var(--vscode-progressBar-background)); }
.bar-count { text-align: right; font-variant-numeric: tabular-nums; }
tr.nav-row { cursor: pointer; }
tr.nav-row:hover { background: var(--vscode-list-hoverBackground); }
tr.nav-row:focus { background: var(--vscode-list-focusBackground, var(--vscode-list-activeSelectionBackground)); }
.stats { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.stats dd { margin: 0; font-variant-numeric: tabular-nums; }
`;
