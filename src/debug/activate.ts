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
    ...LANGUAGES.map((language) => vscode.languages.registerInlineValuesProvider({ language }, { provideInlineValues })),
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

const NOT_VARIABLES = new Set(['if', 'else', 'for', 'while', 'do', 'return', 'break', 'continue', 'switch', 'case', 'default', 'sizeof',
  'unsigned', 'long', 'int', 'char', 'struct', 'static', 'void', 'NULL', 'BUG', 'goto']);

/**
 * Inline values during a stop: the stopped frame's locals named on the lines from a little above
 * the stop down to it, looked up in the Variables view (no evaluation of their own).
 */
export function provideInlineValues(document: vscode.TextDocument, viewPort: vscode.Range, context: vscode.InlineValueContext): vscode.InlineValue[] {
  const out: vscode.InlineValue[] = [];
  const last = Math.min(context.stoppedLocation.end.line, document.lineCount - 1);
  const first = Math.max(viewPort.start.line, last - 30);
  for (let l = first; l <= last; l++) {
    const text = document.lineAt(l).text.replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, '');
    const seen = new Set<string>();
    for (const m of text.matchAll(/(?<![\w>.])([a-z_]\w*)\b(?!\s*\()/g)) {
      const name = m[1];
      if (NOT_VARIABLES.has(name) || seen.has(name)) continue;
      seen.add(name);
      const start = m.index ?? 0;
      out.push(new vscode.InlineValueVariableLookup(new vscode.Range(l, start, l, start + name.length), name, false));
    }
  }
  return out;
}
