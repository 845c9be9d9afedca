// Lint, including the layer rules of ARCHITECTURE.md §5: dependencies point down only.
// A forbidden import is an error, so it fails `npm test`.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'worker_threads', 'util', 'crypto', 'stream', 'events', 'readline', 'tty', 'zlib'];
const noNode = nodeBuiltins.map((name) => ({ group: [name, `${name}/*`], message: 'Core layers take host I/O through small interfaces, never Node built-ins (ARCHITECTURE.md §5).' }));
const noVscode = { group: ['vscode'], message: 'Only extension/ may import vscode (ARCHITECTURE.md §5).' };
const noVscodePkgs = { group: ['@vscode/*'], message: 'Only debug/, cli/ and extension/ may import @vscode/* (ARCHITECTURE.md §5).' };
const layer = (dir) => ({ group: [`**/${dir}/*`, `**/${dir}`], message: `This layer may not import ${dir}/ (ARCHITECTURE.md §5).` });

// Layers from the top down; each may import only layers below it.
const core = ['common', 'elf', 'dwarf', 'devices', 'mmu', 'riscv', 'jit', 'hypervisor', 'machine', 'protocol'];
const rules = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/guests/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // common/: the bottom; imports nothing of the project.
  { files: ['src/common/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...core.filter((l) => l !== 'common').map(layer), layer('debug'), layer('cli'), layer('extension'), layer('webview')]) },
  { files: ['src/elf/**', 'src/dwarf/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['devices', 'mmu', 'riscv', 'jit', 'hypervisor', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/devices/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['mmu', 'riscv', 'jit', 'hypervisor', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/mmu/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['riscv', 'jit', 'hypervisor', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/riscv/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['jit', 'hypervisor', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  // jit/ and hypervisor/ do not import each other.
  { files: ['src/jit/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['hypervisor', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/hypervisor/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['jit', 'machine', 'protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/machine/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['protocol', 'debug', 'cli', 'extension', 'webview'].map(layer)]) },
  { files: ['src/protocol/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['debug', 'cli', 'extension', 'webview'].map(layer)]) },
  // debug/ and cli/ may use Node and @vscode/*, never vscode.
  { files: ['src/debug/**', 'src/cli/**'], rules: rules([noVscode, ...['extension', 'webview'].map(layer)]) },
  // webview/ talks to the extension only through protocol/ messages.
  { files: ['src/webview/**'], rules: rules([...noNode, noVscode, noVscodePkgs, ...['elf', 'dwarf', 'devices', 'mmu', 'riscv', 'jit', 'hypervisor', 'machine', 'debug', 'cli', 'extension'].map(layer)]) },
);
