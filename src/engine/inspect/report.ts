// Read-only reports of a kernel's state: the CLI contract's STATE object (design.md), and
// /proc/buddyinfo as later kernels print it (2.4.0 has no such file: labelled so).

import { MAX_ORDER } from '../include/mmzone';
import { PAGE_SIZE, __pa } from '../include/page';
import type { Kernel, Zone } from '../state';

export interface ZoneState {
  name: string;
  size: number;
  offset: number;
  free_pages: number;
  pages_min: number;
  pages_low: number;
  pages_high: number;
  free_area: number[];
  free_lists: number[][];
}

export interface State {
  max_pfn: number;
  max_low_pfn: number;
  highstart_pfn: number;
  highend_pfn: number;
  start_pfn: number;
  bootmap_size: number;
  mem_map_pfn: number;
  zones: ZoneState[];
}

/** The blocks on a zone's free list of `order`, in list order (head first). */
/**
 * The blocks on a zone's free list of `order`, head first, up to `limit`. Safe at any stop: a
 * list free_area_init_core has not yet initialised (its zeroed head leads to page 0, which links
 * to itself) or one whose links disagree reads as empty, or ends where the links stop agreeing.
 */
export function freeList(k: Kernel, zone: Zone, order: number, limit = Infinity): number[] {
  const out: number[] = [];
  if (!zone.size || zone.free_area.length !== MAX_ORDER || !k.npages) return out;
  const head = zone.free_area[order].head;
  const { next, prev } = k;
  for (let last = head, p = next[head]; p !== head && out.length < limit && out.length <= k.npages; last = p, p = next[p]) {
    if (p < 0 || p >= next.length || prev[p] !== last) break;
    out.push(p);
  }
  return out;
}

export function countFree(k: Kernel, zone: Zone, order: number): number {
  return freeList(k, zone, order).length;
}

/**
 * The block that holds `pfn` among `marks` (an order per head page, -1 none: the kernel's
 * free_order or alloc_order bookkeeping), blocks aligned within the page's zone; null if none.
 */
export function blockContaining(k: Kernel, marks: Int8Array, pfn: number): { head: number; order: number } | null {
  const zone = k.zones[k.page_zone[pfn]];
  const base = zone ? zone.offset : 0;
  const idx = pfn - base;
  for (let o = 0; o < MAX_ORDER; o++) {
    const head = base + (idx & ~((1 << o) - 1));
    const m = marks[head];
    if (m >= o && head + (1 << m) > pfn) return { head, order: m };
  }
  return null;
}

export function zoneState(k: Kernel, z: Zone): ZoneState {
  const orders = [...Array(MAX_ORDER).keys()];
  return {
    name: z.name,
    size: z.size,
    offset: z.offset,
    free_pages: z.free_pages,
    pages_min: z.pages_min,
    pages_low: z.pages_low,
    pages_high: z.pages_high,
    free_area: orders.map((o) => countFree(k, z, o)),
    free_lists: orders.map((o) => freeList(k, z, o, 8)),
  };
}

export function state(k: Kernel): State {
  return {
    max_pfn: k.setup.max_pfn,
    max_low_pfn: k.setup.max_low_pfn,
    highstart_pfn: k.highstart_pfn,
    highend_pfn: k.highend_pfn,
    start_pfn: k.setup.start_pfn,
    bootmap_size: k.setup.bootmap_size,
    mem_map_pfn: Math.floor(__pa(k.mem_map) / PAGE_SIZE),
    zones: k.zones.map((z) => zoneState(k, z)),
  };
}

/** /proc/buddyinfo in the format Linux 2.6 introduced; 2.4.0 has no such file. */
export function buddyinfo(k: Kernel): string[] {
  const lines = ['# /proc/buddyinfo — a later kernels\' file (Linux 2.6+); 2.4.0 has none. Same counts as show_free_areas.'];
  for (const z of k.zones) {
    if (!z.size) continue;
    const counts = [...Array(MAX_ORDER).keys()].map((o) => String(countFree(k, z, o)).padStart(6, ' '));
    lines.push(`Node 0, zone ${z.name.padStart(8, ' ')} ${counts.join(' ')} `);
  }
  return lines;
}
