// A comparable picture of a kernel's whole state, for run-mode/step-mode equality.
import { createHash } from 'node:crypto';
import type { Kernel } from '../../src/engine/state';

const digest = (a: ArrayBufferView): string => createHash('sha1').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

export function snapshot(k: Kernel): unknown {
  return {
    setup: k.setup, e820: k.e820, log: k.log,
    globals: [k.max_low_pfn, k.min_low_pfn, k.highstart_pfn, k.highend_pfn, k.max_mapnr, k.num_physpages, k.totalram_pages, k.totalhigh_pages, k.high_memory, k.memory_pressure, k.freepages],
    bdata: k.bdata, bootmem_map: digest(k.bootmem_map), mem_map: k.mem_map, npages: k.npages,
    pages: [k.next, k.prev, k.page_count, k.page_flags, k.page_zone, k.free_order, k.alloc_order].map(digest),
    zones: k.zones.map((z) => ({ ...z, free_area: z.free_area.map((a) => ({ head: a.head, map: digest(a.map), map_addr: a.map_addr })) })),
    zonelists: digest(k.zonelists), pageTables: k.pageTables, bootmemAllocs: k.bootmemAllocs, resources: k.resources,
  };
}
