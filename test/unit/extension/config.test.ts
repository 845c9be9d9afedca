// Launch configuration rules of the extension (src/extension/config.ts), without VS Code.
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, initialConfigurations, isElf, opensConsoleTerminal, readSettings, resolveLaunchConfig, type HvscopeSettings, type ResolveContext } from '../../../src/extension/config';

const ELF_HEAD = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
const settings: HvscopeSettings = { ...DEFAULT_SETTINGS, defaultMemory: '1G', defaultPaging: 'shadow' };

function ctx(extra: Partial<ResolveContext> = {}): ResolveContext {
  return { settings, workspaceFolder: '/ws', ...extra };
}

describe('extension/config', () => {
  describe('readSettings', () => {
    it('takes valid values', () => {
      const v: Record<string, unknown> = { adapterMode: 'server', adapterPort: 9000, defaultMemory: ' 512M ', defaultPaging: 'shadow', openConsole: false };
      assert.deepEqual(readSettings((k) => v[k]), { adapterMode: 'server', adapterPort: 9000, defaultMemory: '512M', defaultPaging: 'shadow', openConsole: false });
    });
    it('falls back to the defaults for missing or mistyped values', () => {
      const v: Record<string, unknown> = { adapterMode: 'socket', adapterPort: 70000, defaultMemory: '', defaultPaging: 'ept', openConsole: 'yes' };
      assert.deepEqual(readSettings((k) => v[k]), DEFAULT_SETTINGS);
      assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
    });
  });

  describe('isElf', () => {
    it('recognizes the ELF magic only', () => {
      assert.equal(isElf(ELF_HEAD), true);
      assert.equal(isElf(new Uint8Array([0x7f, 0x45, 0x4c])), false);
      // A Linux RISC-V Image starts with a jump, then "RISCV\0\0\0" at offset 0x30: not an ELF.
      assert.equal(isElf(new Uint8Array([0x4d, 0x5a, 0x6f, 0x10])), false);
    });
  });

  describe('initialConfigurations', () => {
    it('offers the three machines, each a launch of type hvscope with a kernel', () => {
      const c = initialConfigurations();
      assert.equal(c.length, 3);
      for (const x of c) {
        assert.equal(x.type, 'hvscope');
        assert.equal(x.request, 'launch');
        assert.equal(typeof x.kernel, 'string');
      }
      assert.deepEqual(c.map((x) => x.machine), ['hypervisor', 'hypervisor', 'bare']);
      assert.ok(c[1].initrd, 'the Linux configuration has an initrd');
      assert.ok(c[2].bios, 'the bare machine boots firmware');
      assert.equal(c[2].paging, undefined, 'the adapter rejects paging with machine=bare');
    });
  });

  describe('resolveLaunchConfig', () => {
    it('fills memory, paging and cwd from the settings and the folder', () => {
      const r = resolveLaunchConfig({ type: 'hvscope', request: 'launch', name: 'x', kernel: 'k.elf' }, ctx());
      assert.equal(r.kind, 'launch');
      if (r.kind !== 'launch') return;
      assert.deepEqual(r.config, { type: 'hvscope', request: 'launch', name: 'x', kernel: 'k.elf', memory: '1G', paging: 'shadow', cwd: '/ws', consoleTerminal: true });
    });
    it('asks for the console terminal when hvscope.openConsole is on, and keeps what the user wrote', () => {
      const cfg = { type: 'hvscope', request: 'launch', name: 'x', kernel: 'k' };
      const off = resolveLaunchConfig(cfg, ctx({ settings: { ...settings, openConsole: false } }));
      assert.equal(off.kind === 'launch' && 'consoleTerminal' in off.config, false, 'setting off: the adapter echoes to the Debug Console');
      const mine = resolveLaunchConfig({ ...cfg, consoleTerminal: false }, ctx());
      assert.equal(mine.kind === 'launch' && mine.config.consoleTerminal, false);
    });
    it('opens the terminal as the configuration says, else as the setting says', () => {
      assert.equal(opensConsoleTerminal({ consoleTerminal: true }, { ...settings, openConsole: false }), true);
      assert.equal(opensConsoleTerminal({ consoleTerminal: false }, settings), false);
      assert.equal(opensConsoleTerminal({}, settings), true);
      assert.equal(opensConsoleTerminal({}, { ...settings, openConsole: false }), false);
    });
    it('never overwrites what the user wrote', () => {
      const r = resolveLaunchConfig({ type: 'hvscope', request: 'launch', name: 'x', kernel: 'k', memory: 64 * 1024 * 1024, paging: 'nested', cwd: 'sub' }, ctx());
      assert.equal(r.kind, 'launch');
      if (r.kind !== 'launch') return;
      assert.equal(r.config.memory, 64 * 1024 * 1024);
      assert.equal(r.config.paging, 'nested');
      assert.equal(r.config.cwd, 'sub');
    });
    it('adds no paging to a bare machine', () => {
      const r = resolveLaunchConfig({ type: 'hvscope', request: 'launch', name: 'b', kernel: 'k', machine: 'bare' }, ctx());
      assert.equal(r.kind, 'launch');
      if (r.kind !== 'launch') return;
      assert.equal('paging' in r.config, false);
      assert.equal(r.config.memory, '1G');
    });
    it('leaves cwd unset without a workspace folder', () => {
      const r = resolveLaunchConfig({ type: 'hvscope', request: 'launch', name: 'x', kernel: 'k' }, ctx({ workspaceFolder: undefined }));
      assert.equal(r.kind === 'launch' && 'cwd' in r.config, false);
    });
    it('launches the active ELF when launch.json is empty', () => {
      const r = resolveLaunchConfig({}, ctx({ activeFile: { path: '/ws/build/guest.elf', head: ELF_HEAD } }));
      assert.equal(r.kind, 'launch');
      if (r.kind !== 'launch') return;
      assert.equal(r.config.type, 'hvscope');
      assert.equal(r.config.request, 'launch');
      assert.equal(r.config.kernel, '/ws/build/guest.elf');
      assert.equal(r.config.name, 'hvscope: guest.elf');
      assert.equal(r.config.paging, 'shadow');
      assert.equal(r.config.cwd, '/ws');
    });
    it('aborts with a message when launch.json is empty and the active file is no ELF', () => {
      assert.equal(resolveLaunchConfig({}, ctx({ activeFile: { path: '/ws/main.c', head: new TextEncoder().encode('#inc') } })).kind, 'abort');
      const r = resolveLaunchConfig({}, ctx());
      assert.equal(r.kind, 'abort');
      assert.match(r.kind === 'abort' ? r.message : '', /launch\.json/);
    });
  });
});
