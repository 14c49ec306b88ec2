// The tree views' VS Code side: one TreeItem subclass per node kind (icon, contextValue),
// and one TreeDataProvider that serves any of the three view models from the current
// publication. Changed items get their label highlighted and a coloured icon; what the
// current statement works on gets the stack-frame icon.

import * as vscode from 'vscode';
import { currentPublication } from './model';
import { ChangeTracker, type ModelContext, type Node, type NodeKind } from './node';

const CHANGED = new vscode.ThemeColor('charts.orange');
const FOCUS = new vscode.ThemeColor('debugIcon.breakpointCurrentStackframeForeground');

export abstract class ModelItem extends vscode.TreeItem {
  constructor(readonly node: Node, icon: string, contextValue: string) {
    const label: vscode.TreeItemLabel = { label: node.label, highlights: node.changed ? [[0, node.label.length]] : undefined };
    super(label, !node.children ? vscode.TreeItemCollapsibleState.None : node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.id = node.id;
    this.description = node.description;
    this.contextValue = node.changed ? `${contextValue} changed` : contextValue;
    this.iconPath = node.focus ? new vscode.ThemeIcon('debug-stackframe', FOCUS) : new vscode.ThemeIcon(icon, node.changed ? CHANGED : undefined);
    const notes = [node.tooltip, node.changed ? vscode.l10n.t('Changed at the last update.') : undefined, node.focus ? vscode.l10n.t('What the current statement works on.') : undefined];
    const tip = notes.filter(Boolean).join('\n\n');
    if (tip) this.tooltip = tip;
  }
}

class PgdatItem extends ModelItem { constructor(n: Node) { super(n, 'server', 'mm24.pgdat'); } }
class ZoneItem extends ModelItem { constructor(n: Node) { super(n, 'layers', 'mm24.zone'); } }
class FieldItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-field', 'mm24.field'); } }
class FreeAreaItem extends ModelItem { constructor(n: Node) { super(n, 'list-ordered', 'mm24.freeArea'); } }
class FreeListItem extends ModelItem { constructor(n: Node) { super(n, 'list-unordered', 'mm24.freeList'); } }
/** A free block: "show in the memory map". */
class FreeBlockItem extends ModelItem { constructor(n: Node) { super(n, 'circle-large-outline', 'mm24.freeBlock'); } }
class AllocatedItem extends ModelItem { constructor(n: Node) { super(n, 'package', 'mm24.allocated'); } }
/** A block alloc_pages handed out: free_pages, "show in the memory map". */
class AllocatedBlockItem extends ModelItem { constructor(n: Node) { super(n, 'circle-large-filled', 'mm24.allocatedBlock'); } }
class BitmapItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-array', 'mm24.bitmap'); } }
class BitmapBitItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-boolean', 'mm24.bitmapBit'); } }
class RangeItem extends ModelItem { constructor(n: Node) { super(n, 'folder', 'mm24.range'); } }
class ZonelistInUseItem extends ModelItem { constructor(n: Node) { super(n, 'debug-stackframe', 'mm24.zonelistInUse'); } }
class ZoneTriedItem extends ModelItem { constructor(n: Node) { super(n, 'layers', 'mm24.zoneTried'); } }
class ChainItem extends ModelItem { constructor(n: Node) { super(n, 'arrow-right', 'mm24.chain'); } }
class GfpIndexItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-constant', 'mm24.gfpIndex'); } }
class E820Item extends ModelItem { constructor(n: Node) { super(n, 'circuit-board', 'mm24.e820'); } }
class E820EntryItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-number', 'mm24.e820Entry'); } }
class LimitsItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-ruler', 'mm24.limits'); } }
class BootmemMapItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-array', 'mm24.bootmemMap'); } }
class BootmemRunItem extends ModelItem { constructor(n: Node) { super(n, 'dash', 'mm24.bootmemRun'); } }
class BootmemAllocsItem extends ModelItem { constructor(n: Node) { super(n, 'package', 'mm24.bootmemAllocs'); } }
class BootmemAllocItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-variable', 'mm24.bootmemAlloc'); } }
class PageTablesItem extends ModelItem { constructor(n: Node) { super(n, 'table', 'mm24.pageTables'); } }
class PageTableItem extends ModelItem { constructor(n: Node) { super(n, 'symbol-number', 'mm24.pageTable'); } }
class MessageItem extends ModelItem { constructor(n: Node) { super(n, 'info', 'mm24.message'); } }

const ITEMS: Record<NodeKind, new (n: Node) => ModelItem> = {
  pgdat: PgdatItem, zone: ZoneItem, field: FieldItem, freeArea: FreeAreaItem, freeList: FreeListItem, freeBlock: FreeBlockItem,
  allocated: AllocatedItem, allocatedBlock: AllocatedBlockItem, bitmap: BitmapItem, bitmapBit: BitmapBitItem, range: RangeItem,
  zonelistInUse: ZonelistInUseItem, zoneTried: ZoneTriedItem, chain: ChainItem, gfpIndex: GfpIndexItem,
  e820: E820Item, e820Entry: E820EntryItem, limits: LimitsItem, bootmemMap: BootmemMapItem, bootmemRun: BootmemRunItem,
  bootmemAllocs: BootmemAllocsItem, bootmemAlloc: BootmemAllocItem, pageTables: PageTablesItem, pageTable: PageTableItem,
  message: MessageItem,
};

/** Serves one view model; `refresh` after each publication re-reads it. */
export class ModelTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly tracker = new ChangeTracker();

  constructor(private readonly roots: (ctx: ModelContext) => Node[]) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return new ITEMS[node.kind](node);
  }

  getChildren(node?: Node): Node[] {
    if (node) return node.children?.() ?? [];
    const pub = currentPublication();
    return pub ? this.roots({ pub, l10n: vscode.l10n, tracker: this.tracker }) : [];
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
