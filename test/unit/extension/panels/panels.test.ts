// The panels' HTML (nonce CSP, nothing remote, theme colours) and their vscode-free glue rules:
// session info, stages per session, the memory-view URI, source paths.
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../../../src/extension/panels/html';
import { debugMemoryUri, errorText, sessionInfo, sourceCandidates, sourceOf, stagesFor } from '../../../../src/extension/panels/panelModel';

describe('extension/panels', () => {
  describe('panelHtml', () => {
    const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
    const nonce = makeNonce();
    const html = panelHtml({ cspSource, nonce, scriptUri: `${cspSource}/ext/dist/webview/pageTables.js`, title: 'hvscope: Page Tables' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';

    it('allows only the nonce-tagged script and the extension’s own styles', () => {
      assert.match(csp, /default-src 'none'/);
      assert.ok(csp.includes(`script-src 'nonce-${nonce}'`), csp);
      assert.ok(csp.includes(`style-src ${cspSource} 'nonce-${nonce}'`), csp);
      assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.equal(scripts.length, 1);
      assert.ok(scripts[0].includes(`nonce="${nonce}"`));
      assert.ok(/<style nonce="[^"]+">/.test(html) && html.includes(`<style nonce="${nonce}">`));
      assert.equal(contentSecurityPolicy('vscode-resource:', 'abc'), "default-src 'none'; img-src vscode-resource:; font-src vscode-resource:; style-src vscode-resource: 'nonce-abc'; script-src 'nonce-abc'");
    });

    it('loads nothing remote and uses the theme’s colours', () => {
      const withoutOwn = html.split(cspSource).join('');
      assert.doesNotMatch(withoutOwn, /https?:\/\//, 'no http(s) URL other than the webview resource origin');
      assert.match(html, /var\(--vscode-foreground\)/);
      assert.match(html, /var\(--vscode-editor-background\)/);
      assert.doesNotMatch(html, /#[0-9a-f]{6}\b(?![^;]*var\()/i, 'colours come from the theme');
    });

    it('uses a fresh nonce per load', () => {
      const a = makeNonce(), b = makeNonce();
      assert.notEqual(a, b);
      assert.match(a, /^[A-Za-z0-9+/]{24}$/);
    });
  });

  it('derives session info and the stages shown from the launch configuration and the last stop', () => {
    const bare = sessionInfo('hello', { machine: 'bare' }, { threadId: 1, reason: 'breakpoint' });
    assert.deepEqual(bare, { name: 'hello', machine: 'bare', paging: undefined, running: false, threadId: 1, stopReason: 'breakpoint' });
    assert.deepEqual(stagesFor(bare), ['single', 'g']);
    const nested = sessionInfo('g', {}, undefined);
    assert.equal(nested.running, true);
    assert.deepEqual(stagesFor(nested), ['vs', 'g']);
    assert.deepEqual(stagesFor(sessionInfo('s', { paging: 'shadow' }, undefined)), ['vs', 'shadow', 'g']);
  });

  it('builds VS Code’s vscode-debug-memory URI with the encoded memory reference', () => {
    assert.deepEqual(debugMemoryUri('sess-1', 'p:0x80001000'), { scheme: 'vscode-debug-memory', authority: 'sess-1', path: '/p%3A0x80001000/memory.bin' });
    assert.equal(decodeURIComponent(debugMemoryUri('s', 'v:0xffffffffc0000000', 'x').path.split('/')[1]), 'v:0xffffffffc0000000');
  });

  it('finds source files: absolute as they are, relative under cwd then the workspace folders', () => {
    assert.deepEqual(sourceOf('src/hello.c:12'), { file: 'src/hello.c', line: 12 });
    assert.equal(sourceOf('main+0x4'), undefined);
    assert.deepEqual(sourceCandidates('/abs/hello.c', ['/ws']), ['/abs/hello.c']);
    assert.deepEqual(sourceCandidates('./hello.c', ['/cwd/', undefined, '/ws', '/cwd']), ['/cwd/hello.c', '/ws/hello.c']);
    assert.equal(errorText(new Error('x')), 'x');
    assert.equal(errorText({ message: 'y' }), 'y');
    assert.equal(errorText(3), '3');
  });
});
