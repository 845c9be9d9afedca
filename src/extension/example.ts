// The "Open the Example Guest" command of the Getting Started walkthrough: the vsix carries
// examples/hello (sources, the built hello.elf and a launch.json); this copies it to a folder the
// user can write to and opens that folder, ready for F5.
import * as vscode from 'vscode';

export const OPEN_EXAMPLE_COMMAND = 'hvscope.openExample';
/** The example inside the extension folder, and the folder name it gets in its new home. */
export const EXAMPLE_SOURCE = 'examples/hello';
export const EXAMPLE_FOLDER_NAME = 'hvscope-hello';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Where the copy goes: a folder the user picks, or the extension's global storage. */
async function pickParent(context: vscode.ExtensionContext): Promise<vscode.Uri | undefined> {
  const storage = context.globalStorageUri;
  const choose = 'Choose a folder…';
  const pick = await vscode.window.showQuickPick([
    { label: choose, description: `the example goes into <folder>/${EXAMPLE_FOLDER_NAME}` },
    { label: 'Extension storage', description: vscode.Uri.joinPath(storage, EXAMPLE_FOLDER_NAME).fsPath },
  ], { title: 'hvscope: where should the example guest go?' });
  if (!pick) return undefined;
  if (pick.label !== choose) return storage;
  const folders = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Put the example here', title: `hvscope: the example goes into <folder>/${EXAMPLE_FOLDER_NAME}`,
  });
  return folders?.[0];
}

/** The command's optional argument (scripts, keybindings, tests): where to copy, and whether to open. */
export interface OpenExampleArgs {
  parent?: string;
  open?: boolean;
}

/**
 * Copies the bundled example into `parent/hvscope-hello` (an existing copy is kept: it may hold
 * the user's edits) and opens it. `parent` as an argument (a path or Uri) skips the questions,
 * for scripts and tests; `{ open: false }` only copies. Returns the example folder.
 */
export async function openExample(context: vscode.ExtensionContext, parent?: string | vscode.Uri, opts: { open?: boolean } = {}): Promise<vscode.Uri | undefined> {
  const parentUri = typeof parent === 'string' ? vscode.Uri.file(parent) : parent ?? await pickParent(context);
  if (!parentUri) return undefined;
  const target = vscode.Uri.joinPath(parentUri, EXAMPLE_FOLDER_NAME);
  if (!await exists(target)) {
    await vscode.workspace.fs.createDirectory(parentUri);
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(context.extensionUri, EXAMPLE_SOURCE), target, { overwrite: false });
  }
  if (opts.open !== false) {
    // A window with no folder takes the example; otherwise a new window, so the user's work stays open.
    const forceNewWindow = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    await vscode.commands.executeCommand('vscode.openFolder', target, { forceNewWindow });
  }
  return target;
}

export function registerExampleCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, async (arg?: string | vscode.Uri | OpenExampleArgs, opts?: { open?: boolean }) => {
    try {
      if (arg !== undefined && typeof arg === 'object' && !(arg instanceof vscode.Uri)) return await openExample(context, arg.parent, { open: arg.open });
      return await openExample(context, arg, opts);
    } catch (e) {
      void vscode.window.showErrorMessage(`hvscope: could not set up the example: ${(e as Error).message ?? String(e)}`);
      return undefined;
    }
  }));
}
