// The debug adapter descriptor factory: one descriptor per run mode (hvscope.adapterMode).
import * as vscode from 'vscode';
import { HvscopeSession } from '../debug/session/session';
import { planAdapter } from './adapterPlan';
import { readSettings } from './config';
import { getSettings } from './settings';

export class HvscopeAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const settings = readSettings(getSettings(session.workspaceFolder));
    const plan = planAdapter(settings.adapterMode, {
      nodePath: process.execPath,
      adapterPath: this.context.asAbsolutePath('dist/adapter.js'),
      port: settings.adapterPort,
    });
    switch (plan.kind) {
      case 'executable': return new vscode.DebugAdapterExecutable(plan.command, plan.args);
      case 'server': return new vscode.DebugAdapterServer(plan.port, plan.host);
      case 'inline': return new vscode.DebugAdapterInlineImplementation(new HvscopeSession());
    }
  }
}
