// A snapshot of what the views show at the top level, taken at each publish (the kernel is
// mutated in place, so the previous values exist only here), and the paths whose values
// changed since the previous one. Paths name the kernel's fields: `zones/1/free_area/3/blocks`.
// Lazily listed collections (blocks, bits, runs) are not here: see ChangeTracker.

import { MAX_ORDER } from '../engine/include/mmzone';
import { PAGE_SIZE, __pa } from '../engine/include/page';
import type { Kernel, Zone } from '../engine/state';
import { freeList as freeBlocks } from '../engine/inspect/report';

export interface FreeAreaSummary {
  /** Blocks on free_list. */
  blocks: number;
  /** Bits set in `map`, and its size in bits. */
  map_set: number;
  map_bits: number;
  map_addr: number;
}

export interface ZoneSummary {
  name: string;
  size: number;
  offset: number;
  free_pages: number;
  pages_min: number;
  pages_low: number;
  pages_high: number;
  zone_start_paddr: number;
  zone_start_mapnr: number;
  zone_mem_map: number;
  inactive_clean_pages: number;
  free_area: FreeAreaSummary[];
  /** Blocks alloc_pages handed out in the zone and not yet freed (model bookkeeping). */
  allocated: { blocks: number; pages: number };
}

export interface Summary {
  machine: string;
  booted: boolean;
  node: { node_size: number; node_start_paddr: number; node_start_mapnr: number; node_mem_map: number; mem_map_pfn: number; npages: number };
  zones: ZoneSummary[];
  limits: {
    start_pfn: number; max_pfn: number; max_low_pfn: number; highstart_pfn: number; highend_pfn: number;
    bootmap_size: number; max_mapnr: number; num_physpages: number; totalram_pages: number; totalhigh_pages: number;
  };
  /** The bootmem bitmap: pages it covers, reserved (bit set) and free; live until free_all_bootmem drops it. */
  bootmem: { pages: number; reserved: number; free: number; live: boolean };
  bootmemAllocs: number;
  pageTables: number;
  e820: number;
  /** Per gfp index, the zone indices node_zonelists[i] yields, `2,1,0`; empty strings before build_zonelists. */
  zonelists: string[];
}

const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let b = i; b; b >>= 1) n += b & 1;
  return n;
});

/** Bits set among the first `bits` bits of a bitmap (bit nr in byte nr >> 3, as bitops.h). */
export function bitsSet(map: Uint8Array, bits = map.length * 8): number {
  const full = Math.min(map.length, bits >>> 3);
  let n = 0;
  for (let i = 0; i < full; i++) n += POPCOUNT[map[i]];
  const rest = bits & 7;
  if (rest && full < map.length) n += POPCOUNT[map[full] & ((1 << rest) - 1)];
  return n;
}

/**
 * The blocks alloc_pages handed out in [offset, offset + size): alloc_order is -1 almost
 * everywhere, so it is read four marks at a time and only words not all -1 are looked into.
 */
function handedOut(k: Kernel, offset: number, size: number): { blocks: number; pages: number } {
  let blocks = 0, pages = 0;
  const marks = k.alloc_order;
  const end = Math.min(offset + size, k.npages);
  const count = (p: number): void => {
    const o = marks[p];
    if (o >= 0) {
      blocks++;
      pages += 1 << o;
    }
  };
  let p = offset;
  if (marks.byteOffset % 4 === 0) {
    const words = new Int32Array(marks.buffer, marks.byteOffset, marks.length >>> 2);
    for (; p < end && p & 3; p++) count(p);
    for (let w = p >>> 2, last = end >>> 2; w < last; w++, p += 4) {
      if (words[w] !== -1) for (let q = p; q < p + 4; q++) count(q);
    }
  }
  for (; p < end; p++) count(p);
  return { blocks, pages };
}

/** The blocks on a zone's free list, head first: the engine's own walker, safe at any stop. */
export { freeBlocks };

/** The zone indices on node_zonelists[gfp], in the order __alloc_pages tries them. */
export function zonelistChain(k: Kernel, gfp: number): number[] {
  const out: number[] = [];
  if (!k.zonelists_built || k.zonelists.length < (gfp + 1) * 4) return out;
  for (let j = 0; j < 4; j++) {
    const z = k.zonelists[gfp * 4 + j];
    if (z < 0) break;
    out.push(z);
  }
  return out;
}

export function summarize(k: Kernel): Summary {
  const zones = k.zones.map((z): ZoneSummary => ({
    name: z.name,
    size: z.size,
    offset: z.offset,
    free_pages: z.free_pages,
    pages_min: z.pages_min,
    pages_low: z.pages_low,
    pages_high: z.pages_high,
    zone_start_paddr: z.zone_start_paddr,
    zone_start_mapnr: z.zone_start_mapnr,
    zone_mem_map: z.zone_mem_map,
    inactive_clean_pages: z.inactive_clean_pages,
    free_area: z.free_area.length === MAX_ORDER && k.npages
      ? z.free_area.map((a, o) => ({ blocks: freeBlocks(k, z, o).length, map_set: bitsSet(a.map), map_bits: a.map.length * 8, map_addr: a.map_addr }))
      : [],
    allocated: handedOut(k, z.offset, z.size),
  }));
  const pages = k.bdata.node_low_pfn;
  const reserved = k.bootmem_map.length ? bitsSet(k.bootmem_map, pages) : 0;
  const zonelists: string[] = [];
  for (let i = 0; i < 256; i++) zonelists.push(zonelistChain(k, i).join(','));
  return {
    machine: k.machine.name,
    booted: k.booted,
    node: {
      node_size: k.node_size,
      node_start_paddr: k.node_start_paddr,
      node_start_mapnr: k.node_start_mapnr,
      node_mem_map: k.node_mem_map,
      mem_map_pfn: k.mem_map ? Math.floor(__pa(k.mem_map) / PAGE_SIZE) : 0,
      npages: k.npages,
    },
    zones,
    limits: {
      start_pfn: k.setup.start_pfn,
      max_pfn: k.setup.max_pfn,
      max_low_pfn: k.setup.max_low_pfn || k.max_low_pfn,
      highstart_pfn: k.highstart_pfn,
      highend_pfn: k.highend_pfn,
      bootmap_size: k.setup.bootmap_size,
      max_mapnr: k.max_mapnr,
      num_physpages: k.num_physpages,
      totalram_pages: k.totalram_pages,
      totalhigh_pages: k.totalhigh_pages,
    },
    bootmem: { pages, reserved, free: k.bootmem_map.length ? pages - reserved : 0, live: k.bdata.node_bootmem_map !== 0 },
    bootmemAllocs: k.bootmemAllocs.length,
    pageTables: k.pageTables.length,
    e820: k.e820.length,
    zonelists,
  };
}

/** Every leaf of a summary by its path. */
function flatten(v: unknown, path: string, out: Map<string, unknown>): void {
  if (v !== null && typeof v === 'object') {
    for (const [key, x] of Object.entries(v as Record<string, unknown>)) flatten(x, path ? `${path}/${key}` : key, out);
  } else out.set(path, v);
}

/**
 * The paths that changed from `prev` to `next`, each with all its prefixes (a changed
 * `zones/1/free_area/3/blocks` marks `zones/1/free_area/3`, `zones/1` and `zones`).
 */
export function changedPaths(prev: Summary | null, next: Summary): Set<string> {
  const out = new Set<string>();
  if (!prev || prev.machine !== next.machine) return out;
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(prev, '', a);
  flatten(next, '', b);
  const add = (path: string): void => {
    for (let p = path; p && !out.has(p); p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) out.add(p);
  };
  for (const [p, v] of b) if (a.get(p) !== v) add(p);
  for (const p of a.keys()) if (!b.has(p)) add(p);
  return out;
}
