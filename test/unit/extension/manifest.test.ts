// package.json's contributions agree with the code: initial configurations and snippets, settings
// and their defaults, commands with their activation events and menus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, initialConfigurations } from '../../../src/extension/config';
import { CONTINUE_COMMANDS } from '../../../src/extension/commandIds';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    debuggers: { type: string; initialConfigurations: unknown[]; configurationSnippets: { label: string; body: Record<string, unknown> }[] }[];
    configuration: { properties: Record<string, { default: unknown; description?: string; type: string }> };
    commands: { command: string; title: string; category: string; icon: string }[];
    menus: Record<string, { command: string; when: string }[]>;
  };
}

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

/** Undoes the snippet escaping: `^"\${x}"` is the literal string `${x}`. */
function unescapeSnippet(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unescapeSnippet);
  if (typeof v === 'string' && v.startsWith('^"') && v.endsWith('"')) return v.slice(2, -1).replace(/\\\$\{/g, '${');
  return v;
}

describe('package.json contributions', () => {
  const dbg = pkg.contributes.debuggers[0];

  it('main is the bundled extension', () => {
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(dbg.type, 'hvscope');
  });

  it('initialConfigurations equal those provideDebugConfigurations returns', () => {
    assert.deepEqual(dbg.initialConfigurations, initialConfigurations());
  });

  it('has one snippet per initial configuration, with ${...} escaped', () => {
    const bodies = dbg.configurationSnippets.map((s) => Object.fromEntries(Object.entries(s.body).map(([k, v]) => [k, unescapeSnippet(v)])));
    assert.deepEqual(bodies, initialConfigurations());
    for (const s of dbg.configurationSnippets) {
      for (const v of Object.values(s.body).flat()) {
        if (typeof v === 'string' && v.includes('${')) assert.match(v, /^\^"/, `unescaped variable in snippet '${s.label}': ${v}`);
      }
    }
  });

  it('declares every setting with its default and a description', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), Object.keys(DEFAULT_SETTINGS).map((k) => `hvscope.${k}`).sort());
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) {
      assert.deepEqual(props[`hvscope.${k}`].default, v, k);
      assert.ok(props[`hvscope.${k}`].description, `${k} has a description`);
    }
  });

  it('contributes each continue command with activation, palette and toolbar entries', () => {
    for (const id of Object.keys(CONTINUE_COMMANDS)) {
      const c = pkg.contributes.commands.find((x) => x.command === id);
      assert.ok(c, `command ${id}`);
      assert.equal(c.category, 'hvscope');
      assert.match(c.icon, /^\$\([a-z-]+\)$/);
      assert.ok(pkg.activationEvents.includes(`onCommand:${id}`), `activation for ${id}`);
      const palette = pkg.contributes.menus.commandPalette.find((x) => x.command === id);
      assert.match(palette?.when ?? '', /debugType == '?hvscope'?/);
      const toolbar = pkg.contributes.menus['debug/toolbar'].find((x) => x.command === id);
      assert.match(toolbar?.when ?? '', /debugType == 'hvscope'/);
    }
    for (const e of ['onDebugResolve:hvscope', 'onDebugDynamicConfigurations:hvscope']) assert.ok(pkg.activationEvents.includes(e), e);
  });
});
