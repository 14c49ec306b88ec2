// What the tree views hold, free of VS Code: a node per tree item with a stable id, its label
// and description, whether it changed at the last publish, and lazily computed children.
// trees.ts turns each kind into its TreeItem subclass; the unit tests read these directly.

import type { Focus } from './focus';
import type { Publication } from './model';

/** vscode.l10n's shape: tests pass an English formatter, the extension vscode.l10n. */
export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

export type NodeKind =
  // Zones
  | 'pgdat' | 'zone' | 'field' | 'freeArea' | 'freeList' | 'freeBlock' | 'allocated' | 'allocatedBlock'
  | 'bitmap' | 'bitmapBit' | 'range'
  // Zonelists
  | 'zonelistInUse' | 'zoneTried' | 'chain' | 'gfpIndex'
  // E820 & bootmem
  | 'e820' | 'e820Entry' | 'limits' | 'bootmemMap' | 'bootmemRun' | 'bootmemAllocs' | 'bootmemAlloc' | 'pageTables' | 'pageTable'
  // any view
  | 'message';

export interface Node {
  readonly kind: NodeKind;
  /** Stable across publishes (VS Code keeps expansion by it): `view:path`. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** Changed at the last publish. */
  readonly changed: boolean;
  /** What the current statement works on (zone tried, free_area in use, block split). */
  readonly focus?: boolean;
  readonly parent?: Node;
  /** Called only when the node is expanded; none for a leaf. */
  readonly children?: () => Node[];
  readonly expanded?: boolean;
  /** A block's first page and order: free_pages and "show in the memory map" act on it. */
  readonly block?: { pfn: number; order: number };
}

/** What a view model builds its nodes from. */
export interface ModelContext {
  readonly pub: Publication;
  readonly l10n: L10n;
  readonly tracker: ChangeTracker;
}

export function focusOf(ctx: ModelContext): Focus | null {
  return ctx.pub.focus;
}

/** Whether the summary path (e.g. `zones/1/free_area/3`) changed at the last publish. */
export function changedAt(ctx: ModelContext, path: string): boolean {
  return ctx.pub.changed.has(path);
}

/**
 * Changes of lazily listed items (free-list blocks, set bits, bootmem runs), which no summary
 * holds: an item is marked when it is new, or different, against the same list as it stood at
 * the previous publish. A list not expanded at the previous publish marks nothing.
 */
export class ChangeTracker {
  private readonly lists = new Map<string, { seq: number; items: Map<string, string>; base: Map<string, string> | null }>();

  mark(listId: string, seq: number, items: ReadonlyArray<{ key: string; sig: string }>, wasEmpty = false): boolean[] {
    let e = this.lists.get(listId);
    if (!e || e.seq !== seq) {
      const base = e && e.seq === seq - 1 ? e.items : wasEmpty ? new Map<string, string>() : null;
      e = { seq, items: new Map(), base };
      this.lists.set(listId, e);
      if (this.lists.size > 2000) this.prune(seq);
    }
    const { base } = e;
    e.items = new Map(items.map((i) => [i.key, i.sig]));
    return items.map((i) => (base ? base.get(i.key) !== i.sig : false));
  }

  private prune(seq: number): void {
    for (const [id, e] of this.lists) if (e.seq < seq - 1) this.lists.delete(id);
  }
}

/**
 * A long list in ranges: up to `size` items directly, else one `range` node per `size` items,
 * each listing its items when expanded.
 */
export function paged(
  ctx: ModelContext,
  parent: Node,
  total: number,
  size: number,
  items: (start: number, end: number, parent: Node) => Node[],
  rangeLabel: (start: number, end: number) => string = (s, e) => `[${s}–${e - 1}]`,
): Node[] {
  if (total <= size) return items(0, total, parent);
  const out: Node[] = [];
  for (let s = 0; s < total; s += size) {
    const e = Math.min(total, s + size);
    const range: Node = {
      kind: 'range',
      id: `${parent.id}/${s}`,
      label: rangeLabel(s, e),
      description: ctx.l10n.t('{0} items', e - s),
      changed: false,
      parent,
      children: () => items(s, e, range),
    };
    out.push(range);
  }
  return out;
}

/** `0x01000000`: at least eight hex digits, as the kernel prints physical addresses. */
export function hex(n: number, width = 8): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

/** A physical range of `pages` page frames from `pfn`: `0x01102000–0x01103fff`. */
export function physRange(pfn: number, pages: number): string {
  return `${hex(pfn * 4096)}–${hex((pfn + pages) * 4096 - 1)}`;
}

/** Bytes in KB/MB/GB as the boot log prints sizes. */
export function size(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30} GB`;
  if (bytes >= 2 ** 20 && bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20} MB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
