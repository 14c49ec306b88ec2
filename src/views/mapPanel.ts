// The memory map: a webview panel that draws physical memory from the page-state array of
// each publication (pagemap.ts), sent only while the panel is visible and at most once per
// frame while stepping fast. Strict CSP with a per-load nonce; scripts and styles only from
// media/webview; state (zoom, scroll) kept by the webview itself.

import * as vscode from 'vscode';
import { caption } from './caption';
import { describePage } from './describe';
import { currentPublication, onDidPublish } from './model';
import { legend, markers, pageStates } from './pagemap';
import type { FromMap, MapStrings, ToMap } from './protocol';

export const SHOW_MAP_COMMAND = 'mm24.showMemoryMap';
export const REVEAL_IN_MAP_COMMAND = 'mm24.revealInMap';
const VIEW_TYPE = 'mm24.memoryMap';

export class MemoryMapPanel implements vscode.Disposable {
  private static current: MemoryMapPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private dirty = true;
  private ready = false;
  /** The last draw the webview reported, for tests and the bench. */
  lastDraw: { seq: number; ms: number; pages: number } | undefined;

  static show(extensionUri: vscode.Uri): MemoryMapPanel {
    if (MemoryMapPanel.current) {
      MemoryMapPanel.current.panel.reveal(undefined, true);
      return MemoryMapPanel.current;
    }
    const root = vscode.Uri.joinPath(extensionUri, 'media', 'webview');
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Memory map'), { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [root],
    });
    MemoryMapPanel.current = new MemoryMapPanel(panel, root);
    return MemoryMapPanel.current;
  }

  static get shown(): MemoryMapPanel | undefined {
    return MemoryMapPanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, root: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(root, 'mm24.svg');
    panel.webview.html = html(panel.webview, root);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.schedule()),
      panel.webview.onDidReceiveMessage((m: FromMap) => this.receive(m)),
      onDidPublish(() => {
        this.dirty = true;
        this.schedule();
      }),
    );
  }

  reveal(pfn: number, pages: number): void {
    this.panel.reveal(undefined, false);
    this.post({ type: 'reveal', pfn, pages });
  }

  private receive(m: FromMap): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.dirty = true;
        this.schedule();
        break;
      case 'describe': {
        const pub = currentPublication();
        if (pub && Number.isInteger(m.pfn) && m.pfn >= 0) this.post({ type: 'description', pfn: m.pfn, lines: describePage(pub.k, m.pfn, vscode.l10n) });
        break;
      }
      case 'drawn':
        this.lastDraw = { seq: m.seq, ms: m.ms, pages: m.pages };
        break;
    }
  }

  /** Coalesces publications: one state message per macrotask, none while hidden. */
  private schedule(): void {
    if (this.pending || !this.ready || !this.dirty || !this.panel.visible) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (!this.panel.visible || !this.dirty) return;
      this.dirty = false;
      this.send();
    }, 0);
  }

  private send(): void {
    const pub = currentPublication();
    if (!pub) {
      this.post({ type: 'empty' });
      return;
    }
    const l10n = vscode.l10n;
    this.post({
      type: 'state',
      pages: pageStates(pub.k),
      meta: { seq: pub.seq, machine: pub.k.machine.name, caption: caption(pub, l10n), marks: markers(pub.k, l10n), touched: [...pub.touched], legend: legend(l10n) },
    });
  }

  private post(m: ToMap): void {
    void this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (MemoryMapPanel.current === this) MemoryMapPanel.current = undefined;
    if (this.pending) clearTimeout(this.pending);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function html(webview: vscode.Webview, root: vscode.Uri): string {
  const n = nonce();
  const view = webview.asWebviewUri(vscode.Uri.joinPath(root, 'mapView.js'));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'map.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'map.css'));
  const strings: MapStrings = {
    zoomIn: vscode.l10n.t('Zoom in'),
    zoomOut: vscode.l10n.t('Zoom out'),
    fit: vscode.l10n.t('Whole machine'),
    follow: vscode.l10n.t('Follow the current block'),
    current: vscode.l10n.t('Zoom to the current block'),
    noMachine: vscode.l10n.t('No machine yet: boot one (mm24: Boot a machine…) or start debugging.'),
    perCell: vscode.l10n.t('{0} pages per cell'),
    page: vscode.l10n.t('page {0}'),
    pages: vscode.l10n.t('pages {0}–{1}'),
    touched: vscode.l10n.t('touched now'),
  };
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>${escapeAttr(vscode.l10n.t('Memory map'))}</title>
</head>
<body data-strings="${escapeAttr(JSON.stringify(strings))}">
<header>
  <button id="zoomOut" title="${escapeAttr(strings.zoomOut)}">−</button>
  <button id="zoomIn" title="${escapeAttr(strings.zoomIn)}">+</button>
  <button id="fit">${escapeAttr(strings.fit)}</button>
  <button id="current">${escapeAttr(strings.current)}</button>
  <label><input type="checkbox" id="follow" checked> ${escapeAttr(strings.follow)}</label>
  <span id="scale"></span>
  <span id="caption"></span>
</header>
<main id="wrap"><canvas id="map" tabindex="0"></canvas><div id="tip" hidden></div></main>
<footer id="legend"></footer>
<script nonce="${n}" src="${view}"></script>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}
