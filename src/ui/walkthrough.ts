// "mm24: Open the walkthrough": the shipped notes on 2.4.0's mm (media/walkthrough/), opened as
// a read-only editor; offered once, on the first start after installation.

import * as vscode from 'vscode';

export const WALKTHROUGH_COMMAND = 'mm24.openWalkthrough';
/** The seed notes, text unchanged. */
export const WALKTHROUGH_PATH = ['media', 'walkthrough', 'mm-2.4-notes.md'];
/** globalState key: the first-start offer has been made (whatever the answer). */
const OFFERED_KEY = 'mm24.walkthroughOffered';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(WALKTHROUGH_COMMAND, () => openWalkthrough(context)));
  void offerOnFirstStart(context);
}

/** Opens the notes; resolves to their URI (the command's result, for tests). */
const walkthroughUri = (context: vscode.ExtensionContext): vscode.Uri => vscode.Uri.joinPath(context.extensionUri, ...WALKTHROUGH_PATH);

async function openWalkthrough(context: vscode.ExtensionContext): Promise<string> {
  const uri = walkthroughUri(context);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  // The file lives in the installed extension: an edit there would be lost on update.
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
  return uri.toString();
}

async function offerOnFirstStart(context: vscode.ExtensionContext): Promise<void> {
  if (context.globalState.get<boolean>(OFFERED_KEY)) return;
  // Remembered before asking: a window closed with the question open is not asked again.
  await context.globalState.update(OFFERED_KEY, true);
  // Opened already (`npm run try` opens it from the URL): nothing to offer.
  const path = walkthroughUri(context).path;
  const open = vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.path === path));
  if (open) return;
  const action = vscode.l10n.t('Open the walkthrough');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t("mm24 runs Linux 2.4.0's memory manager. Start with the walkthrough: notes on mm/page_alloc.c, bootmem and paging_init."),
    action,
  );
  if (answer === action) await openWalkthrough(context);
}
