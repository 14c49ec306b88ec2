// The Zones view: contig_page_data → node_zones[0..2] → each zone's fields and
// free_area[0..MAX_ORDER-1] → the blocks on free_list and the buddy bitmap `map`, plus the
// blocks alloc_pages handed out (what free_pages can give back). Pure: see node.ts.

import { MAX_ORDER } from '../engine/include/mmzone';
import { PAGE_SIZE } from '../engine/include/page';
import { allocatedNode, bitmapNode, freeListNode } from './blocksModel';
import { changedAt, hex, size, type ModelContext, type Node } from './node';
import type { ZoneSummary } from './summary';

const ID = 'zones:';

export function zonesRoots(ctx: ModelContext): Node[] {
  const { pub, l10n } = ctx;
  const s = pub.summary;
  const root: Node = {
    kind: 'pgdat',
    id: `${ID}contig_page_data`,
    label: 'contig_page_data',
    description: s.node.npages
      ? l10n.t('{0} · {1} pages in mem_map', s.machine, s.node.npages)
      : l10n.t('{0} · mem_map not allocated yet', s.machine),
    tooltip: l10n.t('pg_data_t of the only node (CONFIG_DISCONTIGMEM is off): its zones, mem_map and where it starts.'),
    changed: changedAt(ctx, 'node') || changedAt(ctx, 'zones'),
    expanded: true,
    children: () => [
      ...s.zones.map((z, j) => zoneNode(ctx, root, z, j)),
      field(ctx, root, 'node', 'node_mem_map', hex(s.node.node_mem_map), l10n.t('mem_map, as a kernel virtual address: page frame {0}', s.node.mem_map_pfn)),
      field(ctx, root, 'node', 'node_start_paddr', hex(s.node.node_start_paddr)),
      field(ctx, root, 'node', 'node_start_mapnr', String(s.node.node_start_mapnr)),
      field(ctx, root, 'node', 'node_size', pagesText(ctx, s.node.node_size)),
    ],
  };
  return [root];
}

function zoneNode(ctx: ModelContext, parent: Node, z: ZoneSummary, j: number): Node {
  const { l10n, pub } = ctx;
  const path = `zones/${j}`;
  const f = pub.focus;
  const node: Node = {
    kind: 'zone',
    id: `${ID}${path}`,
    label: z.name,
    description: z.size
      ? l10n.t('{0} pages · {1} free', z.size, z.free_pages)
      : l10n.t('empty (size 0)'),
    tooltip: z.size
      ? l10n.t('node_zones[{8}], ZONE_{0}: page frames {1}–{2} ({3}), {4} free; watermarks min {5}, low {6}, high {7}', z.name.toUpperCase(), z.offset, z.offset + z.size - 1, size(z.size * PAGE_SIZE), z.free_pages, z.pages_min, z.pages_low, z.pages_high, j)
      : l10n.t('node_zones[{1}], ZONE_{0}, has no pages on this machine: 2.4.0 leaves its fields 0.', z.name.toUpperCase(), j),
    changed: changedAt(ctx, path),
    focus: f?.tried?.zone === j || f?.area?.zone === j,
    parent,
    children: () => zoneChildren(ctx, node, z, j),
  };
  return node;
}

function zoneChildren(ctx: ModelContext, parent: Node, z: ZoneSummary, j: number): Node[] {
  const { l10n } = ctx;
  const p = `zones/${j}`;
  const out: Node[] = [
    field(ctx, parent, p, 'offset', String(z.offset), l10n.t('The zone\'s first page frame: mem_map + offset is its first struct page.')),
    field(ctx, parent, p, 'size', pagesText(ctx, z.size)),
    field(ctx, parent, p, 'free_pages', pagesText(ctx, z.free_pages)),
    field(ctx, parent, p, 'pages_min', String(z.pages_min), l10n.t('__alloc_pages_limit(PAGES_MIN) takes from a zone only above it; below it only the final pass allocates, down to pages_min / 4 (PF_MEMALLOC tasks: to the last page).')),
    field(ctx, parent, p, 'pages_low', String(z.pages_low), l10n.t('__alloc_pages\' first pass takes from a zone only while free_pages ≥ pages_low.')),
    field(ctx, parent, p, 'pages_high', String(z.pages_high), l10n.t('__alloc_pages\' second pass (__alloc_pages_limit, PAGES_HIGH) takes from a zone only above it; kswapd works until every zone reaches it.')),
    field(ctx, parent, p, 'inactive_clean_pages', String(z.inactive_clean_pages), l10n.t('Always 0 here: the model has no page cache.')),
    field(ctx, parent, p, 'zone_mem_map', hex(z.zone_mem_map), l10n.t('The zone\'s first struct page, a kernel virtual address.')),
    field(ctx, parent, p, 'zone_start_paddr', hex(z.zone_start_paddr)),
    field(ctx, parent, p, 'zone_start_mapnr', String(z.zone_start_mapnr)),
  ];
  if (z.free_area.length === MAX_ORDER && z.size) {
    z.free_area.forEach((_, o) => out.push(freeAreaNode(ctx, parent, z, j, o)));
    out.push(allocatedNode(ctx, parent, j));
  }
  return out;
}

function freeAreaNode(ctx: ModelContext, parent: Node, z: ZoneSummary, j: number, o: number): Node {
  const { l10n, pub } = ctx;
  const a = z.free_area[o];
  const path = `zones/${j}/free_area/${o}`;
  const node: Node = {
    kind: 'freeArea',
    id: `${ID}${path}`,
    label: `free_area[${o}]`,
    description: l10n.t('{0} blocks · {1} pages', a.blocks, a.blocks << o),
    tooltip: l10n.t('Order {0}: free blocks of {1} pages ({2}) on free_list; map has one bit per pair of buddies.', o, 1 << o, size((1 << o) * PAGE_SIZE)),
    changed: changedAt(ctx, path),
    focus: pub.focus?.area?.zone === j && pub.focus.area.order === o,
    parent,
    children: () => [freeListNode(ctx, node, j, o, a.blocks), bitmapNode(ctx, node, j, o)],
  };
  return node;
}

function field(ctx: ModelContext, parent: Node, path: string, name: string, value: string, tooltip?: string): Node {
  return { kind: 'field', id: `${ID}${path}/${name}`, label: name, description: value, tooltip, changed: changedAt(ctx, `${path}/${name}`), parent };
}

function pagesText(ctx: ModelContext, pages: number): string {
  return ctx.l10n.t('{0} pages ({1})', pages, size(pages * PAGE_SIZE));
}
