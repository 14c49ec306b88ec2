// The Zones view's long lists, built only when expanded: a free_area's free_list (in list
// order: rmqueue takes the head), its buddy bitmap's set bits, and the blocks alloc_pages has
// handed out in a zone. Each is paged; items new since the previous publish are marked.

import { test_bit } from '../engine/include/bitops';
import { paged, physRange, type ModelContext, type Node } from './node';
import { freeBlocks } from './summary';

const ID = 'zones:';
const PAGE = 256;
/** Set bits listed per range before a range is paged again. */
const BITS_LISTED = 512;

function touches(ctx: ModelContext, pfn: number, pages: number): boolean {
  return ctx.pub.touched.some((t) => t.pfn < pfn + pages && pfn < t.pfn + t.pages);
}

export function freeListNode(ctx: ModelContext, parent: Node, j: number, o: number, blocks: number): Node {
  const { l10n } = ctx;
  const path = `zones/${j}/free_area/${o}/blocks`;
  const node: Node = {
    kind: 'freeList',
    id: `${ID}${path}`,
    label: 'free_list',
    description: l10n.t('{0} blocks', blocks),
    tooltip: l10n.t('In list order: memlist_add_head puts freed and split blocks first, and rmqueue takes the first.'),
    changed: ctx.pub.changed.has(path),
    parent,
    children: blocks ? () => freeListItems(ctx, node, j, o) : undefined,
  };
  return node;
}

function freeListItems(ctx: ModelContext, parent: Node, j: number, o: number): Node[] {
  const { k, seq } = ctx.pub;
  const list = freeBlocks(k, k.zones[j], o);
  const wasEmpty = ctx.pub.prev?.zones[j].free_area[o]?.blocks === 0;
  const changed = ctx.tracker.mark(parent.id, seq, list.map((p) => ({ key: String(p), sig: '' })), wasEmpty);
  const n = 1 << o;
  return paged(ctx, parent, list.length, PAGE, (s, e, par) =>
    list.slice(s, e).map((pfn, i): Node => ({
      kind: 'freeBlock',
      id: `${par.id}/${pfn}`,
      label: `pfn ${pfn}`,
      description: `${physRange(pfn, n)} · ${ctx.l10n.t('{0} pages', n)}`,
      tooltip: ctx.l10n.t('Free block of order {0}: page frames {1}–{2}, #{3} on the list', o, pfn, pfn + n - 1, s + i + 1),
      changed: changed[s + i],
      focus: touches(ctx, pfn, n),
      parent: par,
      block: { pfn, order: o },
    })),
  );
}

export function bitmapNode(ctx: ModelContext, parent: Node, j: number, o: number): Node {
  const { l10n, pub } = ctx;
  const a = pub.summary.zones[j].free_area[o];
  const path = `zones/${j}/free_area/${o}/map_set`;
  const node: Node = {
    kind: 'bitmap',
    id: `${ID}zones/${j}/free_area/${o}/map`,
    label: 'map',
    description: l10n.t('{0} of {1} bits set · {2} bytes', a.map_set, a.map_bits, a.map_bits / 8),
    tooltip: l10n.t('One bit per pair of order-{0} buddies: set when exactly one of the pair is free. rmqueue and expand toggle it (MARK_USED); __free_pages_ok toggles it and merges while it then reads 0.', o),
    changed: pub.changed.has(path),
    parent,
    children: a.map_set ? () => bitRanges(ctx, node, j, o, a.map_bits) : undefined,
  };
  return node;
}

function bitRanges(ctx: ModelContext, parent: Node, j: number, o: number, bits: number): Node[] {
  const map = ctx.pub.k.zones[j].free_area[o].map;
  let span = 1024;
  while (bits / span > 256) span *= 2;
  if (bits <= span) return setBits(ctx, parent, j, o, 0, bits);
  const out: Node[] = [];
  for (let s = 0; s < bits; s += span) {
    const e = Math.min(bits, s + span);
    let n = 0;
    for (let i = s; i < e; i++) if (test_bit(i, map)) n++;
    if (!n) continue;
    const range: Node = {
      kind: 'range',
      id: `${parent.id}/${s}`,
      label: ctx.l10n.t('bits {0}–{1}', s, e - 1),
      description: ctx.l10n.t('{0} set', n),
      changed: false,
      parent,
      children: () => setBits(ctx, range, j, o, s, e),
    };
    out.push(range);
  }
  return out;
}

function setBits(ctx: ModelContext, parent: Node, j: number, o: number, start: number, end: number): Node[] {
  const { k, seq } = ctx.pub;
  const z = k.zones[j];
  const map = z.free_area[o].map;
  const bits: number[] = [];
  for (let i = start; i < end; i++) if (test_bit(i, map)) bits.push(i);
  const changed = ctx.tracker.mark(parent.id, seq, bits.map((b) => ({ key: String(b), sig: '' })));
  const n = 1 << o;
  return paged(ctx, parent, bits.length, BITS_LISTED, (s, e, par) =>
    bits.slice(s, e).map((bit, i): Node => {
      const a = z.offset + (bit << (o + 1));
      const b = a + n;
      const free = k.free_order[a] === o ? a : b < k.npages && k.free_order[b] === o ? b : -1;
      return {
        kind: 'bitmapBit',
        id: `${par.id}/${bit}`,
        label: `bit ${bit}`,
        description: free >= 0 ? ctx.l10n.t('pfn {0} ⇄ {1} · {2} free', a, b, free) : ctx.l10n.t('pfn {0} ⇄ {1}', a, b),
        tooltip: ctx.l10n.t('The order-{0} buddies at page frames {1} and {2}: one of the pair is free (or, at order 9, the bit has drifted as 2.4.0 lets it).', o, a, b),
        changed: changed[s + i],
        focus: touches(ctx, a, 2 * n),
        parent: par,
      };
    }),
  );
}

/** The blocks alloc_pages handed out in zone j (what free_pages can give back). */
export function allocatedNode(ctx: ModelContext, parent: Node, j: number): Node {
  const path = `zones/${j}/allocated`;
  const a = ctx.pub.summary.zones[j].allocated;
  const node: Node = {
    kind: 'allocated',
    id: `${ID}${path}`,
    label: ctx.l10n.t('handed out by alloc_pages'),
    description: ctx.l10n.t('{0} blocks · {1} pages', a.blocks, a.pages),
    tooltip: ctx.l10n.t('Blocks alloc_pages returned that have not been freed: free_pages gives one back.'),
    changed: ctx.pub.changed.has(path),
    parent,
    children: a.blocks ? () => allocatedBlocks(ctx, node, allocatedHeads(ctx, j), ctx.pub.prev?.zones[j].allocated.blocks === 0) : undefined,
  };
  return node;
}

function allocatedHeads(ctx: ModelContext, j: number): number[] {
  const { k } = ctx.pub;
  const z = k.zones[j];
  const heads: number[] = [];
  const end = Math.min(z.offset + z.size, k.npages);
  for (let p = z.offset; p < end; p++) if (k.alloc_order[p] >= 0) heads.push(p);
  return heads;
}

function allocatedBlocks(ctx: ModelContext, parent: Node, heads: number[], wasEmpty: boolean): Node[] {
  const { k, seq } = ctx.pub;
  const changed = ctx.tracker.mark(parent.id, seq, heads.map((p) => ({ key: String(p), sig: String(k.alloc_order[p]) })), wasEmpty);
  return paged(ctx, parent, heads.length, PAGE, (s, e, par) =>
    heads.slice(s, e).map((pfn, i): Node => {
      const o = k.alloc_order[pfn];
      return {
        kind: 'allocatedBlock',
        id: `${par.id}/${pfn}`,
        label: `pfn ${pfn}`,
        description: `${ctx.l10n.t('order {0}', o)} · ${physRange(pfn, 1 << o)}`,
        tooltip: ctx.l10n.t('Allocated block of order {0}: page frames {1}–{2}, count {3}', o, pfn, pfn + (1 << o) - 1, k.page_count[pfn]),
        changed: changed[s + i],
        focus: touches(ctx, pfn, 1 << o),
        parent: par,
        block: { pfn, order: o },
      };
    }),
  );
}
