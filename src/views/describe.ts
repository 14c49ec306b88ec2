// What one page frame is, in words, for the memory map's hover: where it is, its zone and
// struct page fields, the free or allocated block holding it, and which bootmem allocation
// or E820 entry it belongs to.

import { test_bit } from '../engine/include/bitops';
import { PG_highmem, PG_reserved } from '../engine/include/mm';
import { MAX_ORDER } from '../engine/include/mmzone';
import { HIGH_MEMORY, PAGE_SIZE, PFN_UP, __pa } from '../engine/include/page';
import type { Kernel } from '../engine/state';
import { hex, physRange, type L10n } from './node';
import { blockContaining } from '../engine/inspect/report';

const E820_TYPES: Record<number, string> = { 1: 'usable', 2: 'reserved', 3: 'ACPI data', 4: 'ACPI NVS' };

/** The block of `marks` (an order per head page, -1 none) holding pfn, as Engine.checkFree looks. */
export function describePage(k: Kernel, pfn: number, l10n: L10n): string[] {
  const lines = [`${l10n.t('page frame {0}', pfn)} · ${physRange(pfn, 1)}`];
  const map = k.e820.length ? k.e820 : k.machine.e820;
  const addr = pfn * PAGE_SIZE;
  const e = map.find((x) => x.addr <= addr && addr < x.addr + x.size);
  lines.push(e ? l10n.t('E820: {0}', E820_TYPES[e.type] ?? String(e.type)) : l10n.t('E820: not in the map (a hole)'));
  if (pfn < k.npages) {
    const zone = k.page_zone[pfn] === 255 ? null : k.zones[k.page_zone[pfn]];
    const flags: string[] = [];
    if (k.page_flags[pfn] & (1 << PG_reserved)) flags.push('PG_reserved');
    if (k.page_flags[pfn] & (1 << PG_highmem)) flags.push('PG_highmem');
    lines.push(`mem_map[${pfn}] · ${zone ? `zone ${zone.name}` : 'zone NULL'} · count ${k.page_count[pfn]} · flags ${flags.join('|') || '0'}`);
    const free = blockContaining(k, k.free_order, pfn);
    const held = blockContaining(k, k.alloc_order, pfn);
    if (free && zone) lines.push(l10n.t('free: in the order-{0} block at {1} on {2}\'s free_area[{0}]', free.order, free.head, zone.name));
    else if (held) lines.push(l10n.t('handed out by alloc_pages: the order-{0} block at {1}', held.order, held.head));
    else if (!(k.page_flags[pfn] & (1 << PG_reserved))) lines.push(l10n.t('in use: on no free list, not from alloc_pages (being split or merged, or being freed at boot)'));
  } else if (k.npages) {
    lines.push(l10n.t('beyond mem_map: the kernel has no struct page for it'));
  }
  const why = owner(k, pfn, l10n);
  if (why) lines.push(why);
  if (k.bootmem_map.length && pfn < k.bdata.node_low_pfn) {
    const set = test_bit(pfn, k.bootmem_map);
    const live = k.bdata.node_bootmem_map !== 0;
    lines.push(live ? (set ? l10n.t('bootmem: reserved') : l10n.t('bootmem: free')) : set ? l10n.t('bootmem (freed): was reserved') : l10n.t('bootmem (freed): was free'));
  }
  return lines;
}

/** Which boot-time user the page belongs to, if any. */
function owner(k: Kernel, pfn: number, l10n: L10n): string | null {
  const addr = pfn * PAGE_SIZE;
  const t = k.pageTables.find((x) => x.pfn === pfn);
  if (t) return l10n.t('a {0} page table of paging_init, mapping from {1}', t.kind, hex(t.vaddr));
  if (k.mem_map && addr + PAGE_SIZE > __pa(k.mem_map) && addr < __pa(k.mem_map) + k.npages * 64) {
    const first = Math.max(0, Math.floor((addr - __pa(k.mem_map)) / 64));
    return l10n.t('mem_map: the struct pages of page frames {0}–{1}', first, Math.min(k.npages, first + 64) - 1);
  }
  if (k.setup.bootmap_size && pfn >= k.setup.start_pfn && pfn < k.setup.start_pfn + PFN_UP(k.setup.bootmap_size)) return l10n.t('the bootmem bitmap');
  if (pfn >= HIGH_MEMORY / PAGE_SIZE && addr < k.machine.kernel_end) return l10n.t('the kernel image (from 1 MB to _end)');
  const a = k.bootmemAllocs.find((x) => x.addr < addr + PAGE_SIZE && addr < x.addr + x.size);
  if (a) return l10n.t('bootmem: {0} ({1} bytes at {2})', a.by, a.size, hex(a.addr));
  return null;
}
