// The only debug file that imports `vscode`: registers the mm24 debug type with its adapter
// running in-process, a default configuration so F5 works without launch.json, and the C
// expression under the cursor (`zone->free_area[i].map`) for hovers in notes and C files.

import * as vscode from 'vscode';
import { Mm24DebugSession } from './session';
import { PRESET_NAMES } from '../engine/machine';

const LANGUAGES = ['markdown', 'c', 'plaintext'];

/** The annotated listings in the language the setting (or VS Code's display language) picks. */
export function listingsRoot(context: vscode.ExtensionContext): vscode.Uri {
  const pick = vscode.workspace.getConfiguration('mm24').get<string>('listingLanguage', 'auto');
  const lang = pick === 'auto' ? (vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en') : pick;
  return vscode.Uri.joinPath(context.extensionUri, 'media', 'listings', lang);
}

export function registerDebugger(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('mm24', {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new Mm24DebugSession(listingsRoot(context).fsPath)),
    }),
    vscode.commands.registerCommand('mm24.openListing', async () => {
      const root = listingsRoot(context);
      const files = ['mm/page_alloc.c', 'mm/bootmem.c', 'arch/i386/mm/init.c', 'arch/i386/kernel/setup.c', 'init/main.c'];
      const file = await vscode.window.showQuickPick(files, { title: vscode.l10n.t("Open an annotated listing of the engine (2.4.0's statements, annotated)") });
      if (!file) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, file));
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
    vscode.debug.registerDebugConfigurationProvider('mm24', new DefaultConfiguration()),
    vscode.debug.registerDebugConfigurationProvider('mm24', {
      provideDebugConfigurations: () => PRESET_NAMES.map((m) => launchFor(m)),
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    ...LANGUAGES.map((language) => vscode.languages.registerEvaluatableExpressionProvider({ language }, { provideEvaluatableExpression })),
  );
}

function launchFor(machine: string, source?: string): vscode.DebugConfiguration {
  return {
    type: 'mm24',
    request: 'launch',
    name: vscode.l10n.t('mm24: boot {0}', machine),
    machine,
    run: 'boot',
    stopOnEntry: false,
    ...(source ? { source } : {}),
  };
}

class DefaultConfiguration implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [launchFor('pc-64m', '${file}')];
  }

  /** F5 with no launch.json: boot pc-64m, show stops in the open document, stop on entry unless a breakpoint waits. */
  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const editor = vscode.window.activeTextEditor;
    if (!config.type && !config.request && !config.name) {
      const hasBreakpoints = vscode.debug.breakpoints.some((b) => b.enabled);
      config = { ...launchFor(vscode.workspace.getConfiguration('mm24').get<string>('defaultMachine', 'pc-64m')), stopOnEntry: !hasBreakpoints };
      if (editor) config.source = editor.document.uri.fsPath;
    }
    if (!config.source && editor) config.source = editor.document.uri.fsPath;
    if (config.source === '${file}' && editor) config.source = editor.document.uri.fsPath;
    config.cwd ??= folder?.uri.fsPath;
    return config;
  }
}

/** The C expression at a position: identifiers joined by `->`, `.` and `[…]`. */
export function provideEvaluatableExpression(document: vscode.TextDocument, position: vscode.Position): vscode.EvaluatableExpression | undefined {
  const line = document.lineAt(position.line).text;
  const at = position.character;
  const chain = /[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\s*\[[^\]]*\])*/g;
  for (const m of line.matchAll(chain)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (at < start || at > end) continue;
    // Up to the member under the cursor: hovering `zone` in `zone->size` asks for `zone`.
    const rest = m[0].slice(at - start);
    const tail = /^\w*/.exec(rest)![0];
    const expr = (m[0].slice(0, at - start) + tail).trim();
    return new vscode.EvaluatableExpression(new vscode.Range(position.line, start, position.line, start + expr.length), expr);
  }
  return undefined;
}
