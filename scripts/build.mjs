// Bundles the entry points with esbuild: the CLI, the debug adapter, the extension, and one
// browser bundle per webview panel (src/webview/<panel>/main.ts -> dist/webview/<panel>.js).
// Entry points that do not exist yet are skipped, so the build grows with the project.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';

const entries = [
  { in: 'src/cli/main.ts', out: 'dist/cli.js' },
  { in: 'src/debug/adapterMain.ts', out: 'dist/adapter.js' },
  { in: 'src/extension/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
];
// Webviews run in the browser sandbox of a webview: one self-contained IIFE each, no Node.
const webviews = existsSync('src/webview') ? readdirSync('src/webview', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`src/webview/${d.name}/main.ts`)) : [];
for (const d of webviews) {
  entries.push({ in: `src/webview/${d.name}/main.ts`, out: `dist/webview/${d.name}.js`, platform: 'browser', format: 'iife' });
}

for (const e of entries) {
  if (!existsSync(e.in)) continue;
  await build({
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: e.platform ?? 'node',
    format: e.format ?? 'cjs',
    target: e.platform === 'browser' ? 'es2022' : 'node20',
    sourcemap: true,
    external: e.external ?? [],
    logLevel: 'warning',
  });
}
