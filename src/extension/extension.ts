// Activation of the hvscope extension (STYLE.md, after mock-debug): the adapter factory, the
// configuration providers, the commands and the per-session UI. Thin glue; the rules live in
// the vscode-free modules beside this file (config, adapterPlan, status, commandIds, consoleText).
import * as vscode from 'vscode';
import { HvscopeAdapterFactory } from './adapterFactory';
import { registerCommands } from './commands';
import { DEBUG_TYPE } from './config';
import { HvscopeConfigurationProvider, HvscopeDynamicProvider } from './configProvider';
import { registerExampleCommand } from './example';
import { registerPanels } from './panels';
import { registerSessionEvents } from './sessionEvents';
import { registerSessionUi } from './sessionUi';
import { registerTranslationPanel } from './translation/panel';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new HvscopeAdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new HvscopeConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new HvscopeDynamicProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
  registerSessionEvents(context);
  registerCommands(context);
  registerExampleCommand(context);
  registerSessionUi(context);
  registerPanels(context);
  registerTranslationPanel(context);
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
