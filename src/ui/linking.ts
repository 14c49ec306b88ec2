// The source links in the editor: gutter marks on every code line linked to the engine (and
// on the unlinked ones, with the reason), each claim's ✓ / ✗ beside its line with the engine's
// value, a hover that says what a line is linked to and evaluates the expression under the
// cursor (during a stop the debugger's hover does that; outside one, against the last booted
// machine), and CodeLens "Run to here" / "hits: N" on linked function lines.

import * as vscode from 'vscode';
import { PROBE_TABLE } from '../engine/exec/probe-table.gen';
import { evaluate, show } from '../engine/inspect/expr';
import type { Kernel } from '../engine/state';
import { checkClaims, type Claim } from '../source/claims';
import { linkText, type Link, type LinkedText } from '../source/linker';
import { functionHits } from './hits';
import { Engine } from '../engine/engine';
import { presetMachine } from '../engine/machine';
import { currentPublication, onDidPublish } from '../views/model';

const SELECTOR: vscode.DocumentSelector = [{ language: 'markdown' }, { language: 'c' }];

interface Analysis {
  version: number;
  linked: LinkedText;
  claims: Claim[];
  /** The machine the claims were checked on (they are rechecked when it changes, not at each stop). */
  machine: string;
}

/** The machine the views and the debugger last published, or the default machine, booted once. */
function kernelSource(): { current: () => Kernel; onChange: vscode.Event<void>; dispose(): void } {
  let fallback: Kernel | null = null;
  let machine = '';
  const emitter = new vscode.EventEmitter<void>();
  const sub = onDidPublish((p) => {
    const m = JSON.stringify(p.k.machine);
    if (m !== machine) {
      machine = m;
      emitter.fire();
    }
  });
  return {
    current: () => {
      const k = currentPublication()?.k;
      if (k) return k;
      fallback ??= Engine.boot(presetMachine(vscode.workspace.getConfiguration('mm24').get<string>('defaultMachine', 'pc-64m'))).k;
      return fallback;
    },
    onChange: emitter.event,
    dispose: () => {
      sub.dispose();
      emitter.dispose();
    },
  };
}

export function registerLinking(context: vscode.ExtensionContext): void {
  const source = kernelSource();
  context.subscriptions.push(source);
  const currentKernel = source.current;
  const onKernelChange = source.onChange;
  const cache = new Map<string, Analysis>();
  const linkedMark = vscode.window.createTextEditorDecorationType({
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'linked.svg'),
    gutterIconSize: '60%',
  });
  const unlinkedMark = vscode.window.createTextEditorDecorationType({
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'unlinked.svg'),
    gutterIconSize: '60%',
  });
  const claimOk = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconPassed') } });
  const claimBad = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconFailed') } });
  const claimUnknown = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('descriptionForeground') } });
  const lensChanged = new vscode.EventEmitter<void>();

  const isSource = (doc: vscode.TextDocument): boolean => doc.languageId === 'markdown' || doc.languageId === 'c';
  const analyse = (doc: vscode.TextDocument): Analysis => {
    const key = doc.uri.toString();
    const k = currentKernel();
    const machine = JSON.stringify(k.machine);
    const have = cache.get(key);
    if (have && have.version === doc.version && have.machine === machine) return have;
    const text = doc.getText();
    const linked = linkText(text, { markdown: doc.languageId === 'markdown' });
    let claims: Claim[] = [];
    try {
      claims = checkClaims(text, linked, k);
    } catch (e) {
      claims = [];
      console.error('mm24: claims', e);
    }
    const a = { version: doc.version, linked, claims, machine };
    cache.set(key, a);
    return a;
  };

  const decorate = (editor: vscode.TextEditor): void => {
    if (!isSource(editor.document)) return;
    const a = analyse(editor.document);
    const line = (l: number): vscode.Range => editor.document.lineAt(l).range;
    // The link itself is told by the hover provider (quiet during a debug stop, when the
    // debugger's hover owns the line); the marks only mark.
    editor.setDecorations(linkedMark, [...a.linked.links.keys()].map((l) => ({ range: line(l) })));
    editor.setDecorations(unlinkedMark, [...a.linked.unlinked.keys()].map((l) => ({ range: line(l) })));
    const claimDeco = (c: Claim): vscode.DecorationOptions => ({
      range: line(c.line),
      renderOptions: { after: { contentText: `${c.holds === true ? '✓' : c.holds === false ? '✗' : '?'} ${c.engine}`.slice(0, 140) } },
      hoverMessage: new vscode.MarkdownString(claimHover(c)),
    });
    editor.setDecorations(claimOk, a.claims.filter((c) => c.holds === true).map(claimDeco));
    editor.setDecorations(claimBad, a.claims.filter((c) => c.holds === false).map(claimDeco));
    editor.setDecorations(claimUnknown, a.claims.filter((c) => c.holds === null).map(claimDeco));
  };
  const decorateAll = (): void => vscode.window.visibleTextEditors.forEach(decorate);

  let timer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    linkedMark, unlinkedMark, claimOk, claimBad, claimUnknown, lensChanged,
    vscode.window.onDidChangeVisibleTextEditors(decorateAll),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!isSource(e.document)) return;
      clearTimeout(timer);
      timer = setTimeout(() => vscode.window.visibleTextEditors.filter((x) => x.document === e.document).forEach(decorate), 300);
    }),
    onKernelChange(() => {
      decorateAll();
      lensChanged.fire();
    }),
    { dispose: () => clearTimeout(timer) },
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(doc, pos) {
        if (vscode.debug.activeDebugSession?.type === 'mm24') return undefined; // the debugger's hover
        const a = analyse(doc);
        const link = a.linked.links.get(pos.line);
        const parts: string[] = [];
        if (link) parts.push(describe(link));
        else if (a.linked.unlinked.has(pos.line)) parts.push(vscode.l10n.t('Not linked: {0}', a.linked.unlinked.get(pos.line)!));
        const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*/);
        if (range) {
          const expr = doc.getText(range);
          try {
            const k = currentKernel();
            parts.push(`\`${expr}\` = \`${show(evaluate(expr, { k }))}\` — ${vscode.l10n.t('on {0}, after boot', k.machine.name)}`);
          } catch {
            // Not a global or a constant: nothing to show outside a stop.
          }
        }
        return parts.length ? new vscode.Hover(new vscode.MarkdownString(parts.join('\n\n'))) : undefined;
      },
    }),
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      onDidChangeCodeLenses: lensChanged.event,
      provideCodeLenses(doc) {
        const a = analyse(doc);
        const hits = functionHits(currentKernel());
        const lenses: vscode.CodeLens[] = [];
        for (const [l, link] of a.linked.links) {
          if (link.kind !== 'function' || !PROBE_TABLE[link.fn]) continue;
          if (l > 0 && a.linked.links.get(l - 1)?.fn === link.fn && a.linked.links.get(l - 1)?.kind === 'function') continue;
          const range = doc.lineAt(l).range;
          lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('▶ Run to here'), command: 'mm24.runToFunction', arguments: [link.fn, doc.uri] }));
          const n = hits?.get(link.fn);
          lenses.push(new vscode.CodeLens(range, n === undefined
            ? { title: vscode.l10n.t('hits: count…'), command: 'mm24.countHits', arguments: [] }
            : { title: vscode.l10n.t('hits: {0}', n), command: '' }));
        }
        return lenses;
      },
    }),
    vscode.commands.registerCommand('mm24.runToFunction', async (fn: string, uri?: vscode.Uri) => {
      const k = currentKernel();
      const bp = new vscode.FunctionBreakpoint(fn);
      vscode.debug.addBreakpoints([bp]);
      const stop = vscode.debug.onDidChangeActiveStackItem(() => {
        vscode.debug.removeBreakpoints([bp]);
        stop.dispose();
      });
      context.subscriptions.push(stop);
      if (vscode.debug.activeDebugSession?.type === 'mm24') {
        await vscode.commands.executeCommand('workbench.action.debug.continue');
      } else {
        await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
          type: 'mm24', request: 'launch', name: vscode.l10n.t('mm24: run to {0}', fn), machine: k.machine.name === 'custom' ? 'pc-64m' : k.machine.name,
          run: 'boot', stopOnEntry: false, ...(uri ? { source: uri.fsPath } : {}),
        });
      }
    }),
    vscode.commands.registerCommand('mm24.countHits', async () => {
      const k = currentKernel();
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('mm24: counting statement hits in the boot of {0}…', k.machine.name) }, async () => {
        await new Promise((r) => setTimeout(r, 10));
        functionHits(k, true);
      });
      lensChanged.fire();
    }),
  );
  decorateAll();
}

function describe(link: Link): string {
  switch (link.kind) {
    case 'probe': return vscode.l10n.t('Linked: `{0}` in {1}', link.text!, link.fn);
    case 'partial': return vscode.l10n.t('Part of `{0}` in {1}', link.text!, link.fn);
    case 'function': return vscode.l10n.t('The function {0}', link.fn);
    case 'declaration': return vscode.l10n.t('Declares {0}, a local of {1}', link.name ?? '', link.fn);
    case 'structure': return vscode.l10n.t('Refers to {0}', link.name ?? link.fn);
  }
}

function claimHover(c: Claim): string {
  const head = c.holds === true ? vscode.l10n.t('✓ The engine agrees') : c.holds === false ? vscode.l10n.t('✗ The engine computes otherwise') : vscode.l10n.t('? Not modelled');
  return `**${head}**: \`${c.text}\`\n\n${c.engine}${c.machines ? `\n\n${c.machines}` : ''}`;
}
