// The debug configuration provider: initial configurations for a new launch.json, a dynamic
// "launch the active ELF" entry, and defaults filled in before a session starts (config.ts).
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { initialConfigurations, launchActiveElf, readSettings, resolveLaunchConfig, type LaunchConfig, type ResolveContext } from './config';
import { getSettings } from './settings';

/** The file shown in the active editor tab: a text editor, or a custom/binary editor (an ELF usually opens there). */
function activeFileUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

/** The first bytes of a file: only what isElf needs, so a large kernel image is not read whole. */
async function readHead(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    if (uri.scheme === 'file') {
      const h = await fs.open(uri.fsPath, 'r');
      try {
        const buf = new Uint8Array(16);
        const { bytesRead } = await h.read(buf, 0, buf.length, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await h.close();
      }
    }
    return (await vscode.workspace.fs.readFile(uri)).subarray(0, 16);
  } catch {
    return undefined; // unreadable: not an ELF we can offer
  }
}

async function resolveContext(folder: vscode.WorkspaceFolder | undefined): Promise<ResolveContext> {
  const ctx: ResolveContext = {
    settings: readSettings(getSettings(folder)),
    workspaceFolder: (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath,
  };
  const uri = activeFileUri();
  const head = uri && await readHead(uri);
  if (uri && head) ctx.activeFile = { path: uri.fsPath, head };
  return ctx;
}

export class HvscopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return initialConfigurations();
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const r = resolveLaunchConfig(config as Partial<LaunchConfig>, await resolveContext(folder));
    if (r.kind === 'abort') {
      void vscode.window.showInformationMessage(r.message);
      return undefined; // undefined: start no session
    }
    return r.config;
  }
}

/** Dynamic configurations (the "hvscope" entry of the Run and Debug picker): launch the active ELF. */
export class HvscopeDynamicProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const elf = launchActiveElf(await resolveContext(folder));
    return elf ? [elf] : [];
  }
}
