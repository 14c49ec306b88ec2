// activate(): wiring only. Each feature registers itself and hands its disposables to the context.
import * as vscode from 'vscode';
import { registerDebugger } from './debug/activate';
import { registerBootMachine } from './ui/boot';
import { registerLinking } from './ui/linking';
import { registerWalkthrough } from './ui/walkthrough';
import { registerViews } from './views/register';

export function activate(context: vscode.ExtensionContext): void {
  registerWalkthrough(context);
  registerBootMachine(context);
  registerDebugger(context);
  registerLinking(context);
  registerViews(context);
}

export function deactivate(): void {}
