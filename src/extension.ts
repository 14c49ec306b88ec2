// activate(): wiring only. Each feature registers itself and hands its disposables to the context.
import * as vscode from 'vscode';
import { registerDebugger } from './debug/activate';
import { registerBootMachine } from './ui/boot';
import { registerWalkthrough } from './ui/walkthrough';

export function activate(context: vscode.ExtensionContext): void {
  registerWalkthrough(context);
  registerBootMachine(context);
  registerDebugger(context);
}

export function deactivate(): void {}
