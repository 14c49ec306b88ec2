// The one "mm24" output channel, shared by Boot a machine… and the views' commands.

import * as vscode from 'vscode';

let channel: vscode.OutputChannel | undefined;

export function mm24Output(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('mm24');
  return channel;
}

export function disposeOutput(): void {
  channel?.dispose();
  channel = undefined;
}
