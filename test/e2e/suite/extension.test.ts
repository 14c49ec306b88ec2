// The extension as VS Code sees it: installed, active, its commands registered, the
// walkthrough opened from the shipped file with the seed notes' text unchanged.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';

const ID = 'mm24.mm24';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(ID);
  assert.ok(ext, `${ID} is not installed`);
  return ext;
}

test('the extension is installed and activates', async () => {
  const ext = extension();
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('it declares Restricted Mode support (it only reads)', () => {
  const caps = (extension().packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: unknown } } }).capabilities;
  assert.equal(caps?.untrustedWorkspaces?.supported, true);
});

test('its commands are registered', async () => {
  const all = await vscode.commands.getCommands(true);
  for (const id of ['mm24.openWalkthrough', 'mm24.bootMachine']) assert.ok(all.includes(id), `${id} is not registered`);
});

test('"Open the walkthrough" opens the shipped notes, text unchanged', async () => {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const uri = await vscode.commands.executeCommand<string>('mm24.openWalkthrough');
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'no active editor after the command');
  assert.equal(editor.document.uri.toString(), uri);
  assert.ok(editor.document.uri.path.endsWith('/media/walkthrough/mm-2.4-notes.md'), editor.document.uri.path);
  const shipped = readFileSync(join(extension().extensionPath, 'media', 'walkthrough', 'mm-2.4-notes.md'), 'utf8');
  assert.equal(editor.document.getText(), shipped);
  assert.equal(editor.document.lineAt(0).text, '# mm');
  assert.equal(editor.document.lineAt(2).text, '### linux v2.4');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
