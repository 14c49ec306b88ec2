// registerViews: the mm24 activity-bar container's three tree views, the memory map, the
// views' commands, all re-rendered from each publication of model.ts and disposed with the
// extension.

import * as vscode from 'vscode';
import { bootmemRoots } from './bootmemModel';
import { caption } from './caption';
import { registerRequestCommands } from './commands';
import { MemoryMapPanel, REVEAL_IN_MAP_COMMAND, SHOW_MAP_COMMAND } from './mapPanel';
import { currentPublication, onDidPublish } from './model';
import type { Node } from './node';
import { disposeOutput } from './output';
import { ModelTreeProvider } from './trees';
import { filterFlags, NO_FILTER, zonelistsRoots, type ZonelistFilter } from './zonelistsModel';
import { zonesRoots } from './zonesModel';

export const VIEW_IDS = { zones: 'mm24.zones', zonelists: 'mm24.zonelists', e820: 'mm24.e820' } as const;

export function registerViews(context: vscode.ExtensionContext): void {
  let filter: ZonelistFilter = NO_FILTER;
  const zones = new ModelTreeProvider(zonesRoots);
  const zonelists = new ModelTreeProvider((ctx) => zonelistsRoots(ctx, filter));
  const e820 = new ModelTreeProvider(bootmemRoots);
  const views = [
    vscode.window.createTreeView(VIEW_IDS.zones, { treeDataProvider: zones, showCollapseAll: true }),
    vscode.window.createTreeView(VIEW_IDS.zonelists, { treeDataProvider: zonelists, showCollapseAll: true }),
    vscode.window.createTreeView(VIEW_IDS.e820, { treeDataProvider: e820, showCollapseAll: true }),
  ];
  const describeViews = (): void => {
    const pub = currentPublication();
    const text = pub ? caption(pub, vscode.l10n) : undefined;
    views[0].description = text;
    views[2].description = text;
    views[1].description = filter.flags.length || filter.named
      ? [...filter.flags, ...(filter.named ? [vscode.l10n.t('named masks')] : [])].join(' & ')
      : text;
  };
  const refresh = (): void => {
    describeViews();
    zones.refresh();
    zonelists.refresh();
    e820.refresh();
  };

  const pickFilter = async (): Promise<void> => {
    const highmem = currentPublication()?.k.CONFIG_HIGHMEM ?? true;
    const named = vscode.l10n.t('only indices a GFP_* mask names');
    const items: vscode.QuickPickItem[] = [
      ...filterFlags(highmem).map((f) => ({ label: f, picked: filter.flags.includes(f) })),
      { label: named, picked: filter.named },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Zonelists: show the gfp indices that have all of'),
    });
    if (!picked) return;
    filter = { flags: picked.filter((p) => p.label !== named).map((p) => p.label), named: picked.some((p) => p.label === named) };
    void vscode.commands.executeCommand('setContext', 'mm24.zonelistsFiltered', filter.flags.length > 0 || filter.named);
    describeViews();
    zonelists.refresh();
  };

  context.subscriptions.push(
    zones, zonelists, e820, ...views,
    { dispose: disposeOutput },
    onDidPublish(() => {
      void vscode.commands.executeCommand('setContext', 'mm24.hasMachine', true);
      refresh();
    }),
    vscode.commands.registerCommand('mm24.zonelists.filter', pickFilter),
    vscode.commands.registerCommand('mm24.zonelists.clearFilter', () => {
      filter = NO_FILTER;
      void vscode.commands.executeCommand('setContext', 'mm24.zonelistsFiltered', false);
      describeViews();
      zonelists.refresh();
    }),
    vscode.commands.registerCommand(SHOW_MAP_COMMAND, () => {
      MemoryMapPanel.show(context.extensionUri);
    }),
    vscode.commands.registerCommand(REVEAL_IN_MAP_COMMAND, (node?: Node) => {
      if (!node?.block) return;
      MemoryMapPanel.show(context.extensionUri).reveal(node.block.pfn, 1 << node.block.order);
    }),
    { dispose: () => MemoryMapPanel.shown?.dispose() },
  );
  registerRequestCommands(context);
  if (currentPublication()) refresh();
}
