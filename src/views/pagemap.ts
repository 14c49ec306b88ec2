// The memory map's data: one state byte per page frame of the machine (see PAGE_STATE), from
// mem_map's flags and the free/allocated marks, the bootmem bitmap while it lives, the E820
// map and what bootmem handed out; the zone boundaries and limits to draw; the legend with
// theme colours. Pure; O(pages) with runs filled at once.

import { test_bit } from '../engine/include/bitops';
import { PG_reserved } from '../engine/include/mm';
import { MAX_ORDER } from '../engine/include/mmzone';
import { HIGH_MEMORY, MAXMEM_PFN, PFN_DOWN, PFN_UP, __pa } from '../engine/include/page';
import type { Kernel } from '../engine/state';
import type { L10n } from './node';
import { BLOCK_HEAD, PAGE_STATE as S, type LegendEntry, type MapMarker } from './protocol';

/** The page frames the map covers: up to the end of the highest E820 entry or of mem_map. */
export function mapLength(k: Kernel): number {
  const map = k.e820.length ? k.e820 : k.machine.e820;
  let end = k.npages;
  for (const e of map) end = Math.max(end, PFN_UP(e.addr + e.size));
  return end;
}

/** A state byte per page frame (BLOCK_HEAD marks a block's first page); `out` is reused when it has the right length. */
export function pageStates(k: Kernel, out?: Uint8Array): Uint8Array {
  const n = mapLength(k);
  const st = out && out.length === n ? out : new Uint8Array(n);
  st.fill(S.HOLE);
  const map = k.e820.length ? k.e820 : k.machine.e820;
  for (const e of map) if (e.type !== 1) st.fill(S.FIRMWARE, PFN_DOWN(e.addr), Math.min(n, PFN_UP(e.addr + e.size)));
  for (const e of map) if (e.type === 1) st.fill(S.UNUSED_RAM, PFN_UP(e.addr), Math.min(n, PFN_DOWN(e.addr + e.size)));
  const np = k.npages;
  const bootmemLive = k.bdata.node_bootmem_map !== 0 && k.bootmem_map.length > 0;
  const low = k.bdata.node_low_pfn;
  if (np) {
    const flags = k.page_flags, freeOrder = k.free_order, allocOrder = k.alloc_order;
    const reserved = 1 << PG_reserved;
    for (let p = 0; p < np; ) {
      const fo = freeOrder[p];
      if (fo >= 0 && fo < MAX_ORDER) {
        const end = Math.min(np, p + (1 << fo));
        st.fill(S.FREE + fo, p, end);
        st[p] |= BLOCK_HEAD;
        p = end;
        continue;
      }
      const ao = allocOrder[p];
      if (ao >= 0) {
        const end = Math.min(np, p + (1 << ao));
        st.fill(S.ALLOCATED, p, end);
        st[p] |= BLOCK_HEAD;
        p = end;
        continue;
      }
      if (flags[p] & reserved) {
        // A reserved page the E820 map does not call RAM stays what the map says.
        if (st[p] === S.UNUSED_RAM) st[p] = bootmemLive && p < low && !test_bit(p, k.bootmem_map) ? S.BOOTMEM_FREE : S.RESERVED;
      } else st[p] = S.IN_USE;
      p++;
    }
  } else if (bootmemLive) {
    for (let p = 0; p < Math.min(low, n); p++) if (st[p] === S.UNUSED_RAM) st[p] = test_bit(p, k.bootmem_map) ? S.RESERVED : S.BOOTMEM_FREE;
  }
  // What the reserved pages hold, most specific last (mem_map is a bootmem allocation too).
  const owned = new Uint8Array(32);
  for (const c of [S.RESERVED, S.BOOTMEM_OTHER, S.KERNEL, S.BOOTMEM_MAP, S.MEM_MAP, S.PAGE_TABLE]) owned[c] = 1;
  const mark = (from: number, to: number, code: number): void => {
    for (let p = Math.max(0, from); p < Math.min(n, to); p++) if (owned[st[p]]) st[p] = code;
  };
  for (const a of k.bootmemAllocs) mark(PFN_DOWN(a.addr), PFN_UP(a.addr + a.size), S.BOOTMEM_OTHER);
  mark(PFN_DOWN(HIGH_MEMORY), PFN_UP(k.machine.kernel_end), S.KERNEL);
  if (k.setup.bootmap_size) mark(k.setup.start_pfn, k.setup.start_pfn + PFN_UP(k.setup.bootmap_size), S.BOOTMEM_MAP);
  if (k.mem_map) {
    const first = PFN_DOWN(__pa(k.mem_map));
    mark(first, PFN_UP(__pa(k.mem_map) + k.npages * 64), S.MEM_MAP);
  }
  for (const t of k.pageTables) mark(t.pfn, t.pfn + 1, S.PAGE_TABLE);
  return st;
}

/** Zone boundaries, the 896 MB line and where mem_map ends, in page frames. */
export function markers(k: Kernel, l10n: L10n): MapMarker[] {
  const out: MapMarker[] = [];
  for (const z of k.zones) {
    if (!z.size) continue;
    out.push({ pfn: z.offset, label: l10n.t('ZONE_{0} starts', z.name.toUpperCase()), kind: 'zone' });
  }
  const n = mapLength(k);
  if (MAXMEM_PFN < n) out.push({ pfn: MAXMEM_PFN, label: l10n.t('896 MB (MAXMEM_PFN): the end of the direct map'), kind: 'limit' });
  if (k.npages && k.npages < n) out.push({ pfn: k.npages, label: l10n.t('the end of mem_map'), kind: 'limit' });
  return out;
}

export function legend(l10n: L10n): LegendEntry[] {
  const g = '--vscode-charts-green';
  const b = '--vscode-charts-blue';
  const entries: LegendEntry[] = [
    { code: S.HOLE, label: l10n.t('no RAM (hole)'), color: '--vscode-editor-background', priority: 0 },
    { code: S.FIRMWARE, label: l10n.t('E820 reserved / ACPI'), color: '--vscode-disabledForeground', fade: 0.45, priority: 13 },
    { code: S.UNUSED_RAM, label: l10n.t('RAM the kernel does not use'), color: '--vscode-descriptionForeground', fade: 0.75, priority: 12 },
    { code: S.RESERVED, label: l10n.t('reserved (PG_reserved)'), color: '--vscode-charts-red', fade: 0.5, priority: 14 },
    { code: S.KERNEL, label: l10n.t('kernel image'), color: '--vscode-charts-purple', priority: 16 },
    { code: S.BOOTMEM_MAP, label: l10n.t('bootmem bitmap'), color: '--vscode-charts-yellow', priority: 17 },
    { code: S.PAGE_TABLE, label: l10n.t('page tables'), color: '--vscode-charts-orange', priority: 19 },
    { code: S.MEM_MAP, label: l10n.t('mem_map'), color: b, fade: 0.0, color2: '--vscode-charts-purple', mix: 0.5, priority: 18 },
    { code: S.BOOTMEM_OTHER, label: l10n.t('other bootmem allocations'), color: '--vscode-charts-yellow', fade: 0.5, priority: 15 },
    { code: S.BOOTMEM_FREE, label: l10n.t('free in bootmem (before free_all_bootmem)'), color: g, fade: 0.7, priority: 11 },
    { code: S.IN_USE, label: l10n.t('in use / being split or merged'), color: '--vscode-editor-foreground', fade: 0.2, priority: 20 },
    { code: S.ALLOCATED, label: l10n.t('handed out by alloc_pages'), color: '--vscode-charts-red', priority: 21 },
  ];
  for (let o = 0; o < MAX_ORDER; o++) {
    // Order 9 full green, smaller orders towards blue: a cell of several shows its smallest.
    entries.push({ code: S.FREE + o, label: l10n.t('free, order {0}', o), color: b, color2: g, mix: o / (MAX_ORDER - 1), fade: 0.15, priority: 10 - o });
  }
  return entries;
}
