// Reading the `hvscope.*` settings from the editor (the checks live in config.ts readSettings).
import * as vscode from 'vscode';
import type { HvscopeSettings } from './config';

export function getSettings(scope?: vscode.ConfigurationScope): (key: keyof HvscopeSettings) => unknown {
  const c = vscode.workspace.getConfiguration('hvscope', scope);
  return (key) => c.get(key);
}
