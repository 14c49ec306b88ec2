// The E820 & bootmem view: the BIOS map as setup_arch copied it, the pfn limits setup_arch
// and mem_init derive from it, the bootmem bitmap (one bit per low page, set = reserved) as
// runs, what __alloc_bootmem handed out and to whom, and the page tables paging_init built.

import { PAGE_SIZE } from '../engine/include/page';
import { changedAt, hex, paged, physRange, size, type ModelContext, type Node } from './node';

const ID = 'e820:';
const PAGE = 256;
const E820_TYPES: Record<number, string> = { 1: 'usable', 2: 'reserved', 3: 'ACPI data', 4: 'ACPI NVS' };

export function bootmemRoots(ctx: ModelContext): Node[] {
  return [e820Node(ctx), limitsNode(ctx), bitmapNode(ctx), allocsNode(ctx), pageTablesNode(ctx)];
}

function e820Node(ctx: ModelContext): Node {
  const { k } = ctx.pub;
  const copied = k.e820.length > 0;
  const map = copied ? k.e820 : k.machine.e820;
  const ram = map.filter((e) => e.type === 1).reduce((s, e) => s + e.size, 0);
  const node: Node = {
    kind: 'e820',
    id: `${ID}e820`,
    label: 'e820.map',
    description: ctx.l10n.t('{0} entries · {1} usable', map.length, size(ram)),
    tooltip: copied ? ctx.l10n.t('The kernel\'s copy (copy_e820_map, after sanitize_e820_map).') : ctx.l10n.t('The BIOS map: setup_arch has not copied it yet.'),
    changed: changedAt(ctx, 'e820'),
    expanded: true,
    children: () =>
      map.map((e, i): Node => ({
        kind: 'e820Entry',
        id: `${node.id}/${i}`,
        // As 2.4.0's print_memory_map: " BIOS-e820: %016Lx - %016Lx (usable)".
        label: `${e.addr.toString(16).padStart(16, '0')} - ${(e.addr + e.size).toString(16).padStart(16, '0')}`,
        description: `${E820_TYPES[e.type] ?? `type ${e.type}`} · ${size(e.size)}`,
        changed: false,
        parent: node,
      })),
  };
  return node;
}

function limitsNode(ctx: ModelContext): Node {
  const { l10n, pub } = ctx;
  const s = pub.summary.limits;
  const pfn = (n: number): string => `${hex(n, 1)} (${n}) · ${size(n * PAGE_SIZE)}`;
  const rows: [keyof typeof s, string, string][] = [
    ['start_pfn', pfn(s.start_pfn), l10n.t('The first page frame after the kernel image: PFN_UP(__pa(&_end)).')],
    ['max_low_pfn', pfn(s.max_low_pfn), l10n.t('The end of directly mapped memory: at most MAXMEM_PFN, 896 MB.')],
    ['max_pfn', pfn(s.max_pfn), l10n.t('The highest RAM page frame in the E820 map (capped as the configuration requires).')],
    ['highstart_pfn', pfn(s.highstart_pfn), l10n.t('HIGHMEM: where high memory starts; 0 without CONFIG_HIGHMEM.')],
    ['highend_pfn', pfn(s.highend_pfn), l10n.t('HIGHMEM: where high memory ends; 0 without CONFIG_HIGHMEM.')],
    ['bootmap_size', l10n.t('{0} bytes', s.bootmap_size), l10n.t('The bootmem bitmap\'s size: one bit per low page, rounded to longs.')],
    ['max_mapnr', String(s.max_mapnr), l10n.t('The number of struct pages in mem_map (mem_init).')],
    ['num_physpages', String(s.num_physpages), ''],
    ['totalram_pages', String(s.totalram_pages), l10n.t('Pages free_all_bootmem and mem_init handed to the buddy allocator.')],
    ['totalhigh_pages', String(s.totalhigh_pages), ''],
  ];
  const node: Node = {
    kind: 'limits',
    id: `${ID}limits`,
    label: l10n.t('pfn limits'),
    description: `max_pfn ${hex(s.max_pfn, 1)} · max_low_pfn ${hex(s.max_low_pfn, 1)}`,
    changed: changedAt(ctx, 'limits'),
    expanded: true,
    children: () =>
      rows.map(([name, value, tip]): Node => ({
        kind: 'field',
        id: `${ID}limits/${name}`,
        label: name,
        description: value,
        tooltip: tip || undefined,
        changed: changedAt(ctx, `limits/${name}`),
        parent: node,
      })),
  };
  return node;
}

function bitmapNode(ctx: ModelContext): Node {
  const { l10n, pub } = ctx;
  const b = pub.summary.bootmem;
  const node: Node = {
    kind: 'bootmemMap',
    id: `${ID}bootmem`,
    label: l10n.t('bootmem bitmap'),
    description: b.pages
      ? l10n.t('{0} reserved · {1} free of {2} pages', b.reserved, b.free, b.pages) + (b.live ? '' : ` · ${l10n.t('freed by free_all_bootmem')}`)
      : l10n.t('not set up yet (init_bootmem)'),
    tooltip: l10n.t('One bit per page below max_low_pfn, set = reserved. free_all_bootmem gives every clear bit\'s page to the buddy allocator, then the bitmap\'s own pages.'),
    changed: changedAt(ctx, 'bootmem'),
    children: b.pages ? () => runs(ctx, node) : undefined,
  };
  return node;
}

/** The bitmap as runs of equal bits. */
function runs(ctx: ModelContext, parent: Node): Node[] {
  const { k, seq } = ctx.pub;
  const map = k.bootmem_map;
  const n = k.bdata.node_low_pfn;
  const list: { start: number; end: number; set: boolean }[] = [];
  let start = 0;
  const bit = (i: number): boolean => (map[i >>> 3] & (1 << (i & 7))) !== 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || bit(i) !== bit(start)) {
      list.push({ start, end: i, set: bit(start) });
      start = i;
    }
  }
  const changed = ctx.tracker.mark(parent.id, seq, list.map((r) => ({ key: String(r.start), sig: `${r.end}${r.set}` })));
  return paged(ctx, parent, list.length, PAGE, (s, e, par) =>
    list.slice(s, e).map((r, i): Node => ({
      kind: 'bootmemRun',
      id: `${par.id}/${r.start}`,
      label: `pfn ${r.start}–${r.end - 1}`,
      description: `${r.set ? ctx.l10n.t('reserved') : ctx.l10n.t('free')} · ${ctx.l10n.t('{0} pages', r.end - r.start)} · ${size((r.end - r.start) * PAGE_SIZE)}`,
      changed: changed[s + i],
      parent: par,
    })),
  );
}

function allocsNode(ctx: ModelContext): Node {
  const { k } = ctx.pub;
  const total = k.bootmemAllocs.reduce((s, a) => s + a.size, 0);
  const node: Node = {
    kind: 'bootmemAllocs',
    id: `${ID}allocs`,
    label: ctx.l10n.t('handed out by bootmem'),
    description: ctx.l10n.t('{0} allocations · {1}', k.bootmemAllocs.length, size(total)),
    tooltip: ctx.l10n.t('Each __alloc_bootmem answer and the kernel function that asked for it.'),
    changed: changedAt(ctx, 'bootmemAllocs'),
    children: k.bootmemAllocs.length
      ? () =>
          k.bootmemAllocs.map((a, i): Node => ({
            kind: 'bootmemAlloc',
            id: `${node.id}/${i}`,
            label: a.by || '?',
            description: `${size(a.size)} · ${hex(a.addr)}–${hex(a.addr + a.size - 1)}`,
            tooltip: `__alloc_bootmem(${a.size}, ${hex(a.align, 1)}, ${hex(a.goal, 1)}) = __va(${hex(a.addr)})`,
            changed: false,
            parent: node,
          }))
      : undefined,
  };
  return node;
}

function pageTablesNode(ctx: ModelContext): Node {
  const { k } = ctx.pub;
  const list = k.pageTables;
  const node: Node = {
    kind: 'pageTables',
    id: `${ID}pageTables`,
    label: ctx.l10n.t('page tables'),
    description: ctx.l10n.t('{0} pages from bootmem', list.length),
    tooltip: ctx.l10n.t('The pmd and pte pages paging_init (pagetable_init, fixrange_init) took from bootmem; 4 MB pages (PSE) need none for the direct map.'),
    changed: changedAt(ctx, 'pageTables'),
    children: list.length
      ? () =>
          paged(ctx, node, list.length, PAGE, (s, e, par) =>
            list.slice(s, e).map((t, i): Node => ({
              kind: 'pageTable',
              id: `${par.id}/${s + i}`,
              label: `pfn ${t.pfn}`,
              description: `${t.kind} · ${ctx.l10n.t('maps from {0}', hex(t.vaddr))} · ${physRange(t.pfn, 1)}`,
              changed: false,
              parent: par,
            })),
          )
      : undefined,
  };
  return node;
}
