// activate(): wiring only. Each feature registers itself and hands its disposables to the context.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
