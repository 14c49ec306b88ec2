// The kernel's memory-management state for one machine: contig_page_data and its zones, the
// bootmem allocator's data, mem_map as typed arrays (one slot per struct page field the model
// uses) and the globals setup_arch, paging_init and mem_init leave behind. Kernel functions
// mutate it; inspectors only read it.

import type { E820Entry } from './include/e820';
import { MAX_NR_ZONES, MAX_ORDER, zone_names } from './include/mmzone';
import { PAGING_2LEVEL, PAGING_3LEVEL, type Paging } from './include/page';
import type { Links } from './include/list';
import type { Machine } from './machine';

const EMPTY8 = new Uint8Array(0);
const EMPTY32 = new Int32Array(0);

export class FreeArea {
  /** Index of this free_list's head in the kernel's link arrays. */
  readonly head: number;
  /** The buddy bitmap (`map`), as alloc_bootmem_node sized it. */
  map: Uint8Array = EMPTY8;
  /** Kernel virtual address of `map` (0 until allocated). */
  map_addr = 0;
  constructor(head: number) {
    this.head = head;
  }
}

export class Zone {
  readonly name: string;
  offset = 0;
  free_pages = 0;
  inactive_clean_pages = 0;
  inactive_dirty_pages = 0;
  pages_min = 0;
  pages_low = 0;
  pages_high = 0;
  size = 0;
  zone_start_paddr = 0;
  zone_start_mapnr = 0;
  /** Kernel virtual address of the zone's first struct page (0: NULL). */
  zone_mem_map = 0;
  free_area: FreeArea[] = [];
  constructor(readonly index: number) {
    this.name = zone_names[index];
  }
}

export interface BootmemData {
  node_boot_start: number;
  node_low_pfn: number;
  /** Kernel virtual address of the bitmap; 0 once free_all_bootmem has dropped it. */
  node_bootmem_map: number;
  last_offset: number;
  last_pos: number;
}

/** One answer of __alloc_bootmem_core, for the views and the memory map. */
export interface BootmemAlloc {
  addr: number;
  size: number;
  align: number;
  goal: number;
  /** The kernel function on whose behalf bootmem was asked. */
  by: string;
}

export interface PageTablePage {
  pfn: number;
  kind: 'pmd' | 'pte';
  /** First virtual address the table maps. */
  vaddr: number;
}

export interface ResourceRec {
  addr: number;
  name: string;
  start: number;
  end: number;
}

/** The values setup_arch's locals held when it returned (they are not globals in 2.4.0). */
export interface SetupArchLocals {
  start_pfn: number;
  max_pfn: number;
  max_low_pfn: number;
  bootmap_size: number;
}

export class Kernel implements Links {
  readonly machine: Machine;
  readonly CONFIG_HIGHMEM: boolean;
  readonly CONFIG_X86_PAE: boolean;
  readonly cpu_has_pse: boolean;
  readonly paging: Paging;
  /** What the modelled functions printk, in 2.4.0's words. */
  readonly log: string[] = [];

  /** The kernel's copy of the E820 map (e820.map[0..nr_map)). */
  e820: E820Entry[] = [];
  setup: SetupArchLocals = { start_pfn: 0, max_pfn: 0, max_low_pfn: 0, bootmap_size: 0 };

  // Globals of mm/bootmem.c, arch/i386/mm/init.c, mm/page_alloc.c.
  max_low_pfn = 0;
  min_low_pfn = 0;
  highstart_pfn = 0;
  highend_pfn = 0;
  max_mapnr = 0;
  num_physpages = 0;
  totalram_pages = 0;
  totalhigh_pages = 0;
  high_memory = 0;
  memory_pressure = 0;
  /** freepages.min/low/high: the sums of the zone watermarks. */
  freepages = { min: 0, low: 0, high: 0 };

  bdata: BootmemData = { node_boot_start: 0, node_low_pfn: 0, node_bootmem_map: 0, last_offset: 0, last_pos: 0 };
  /** The bytes of the bootmem bitmap (kept after it is freed, for the views). */
  bootmem_map: Uint8Array = EMPTY8;

  // contig_page_data
  node_mem_map = 0;
  node_size = 0;
  node_start_paddr = 0;
  node_start_mapnr = 0;
  readonly zones: Zone[];
  /** node_zonelists[i].zones[0..3] as zone indices, -1 for NULL. */
  zonelists: Int8Array = new Int8Array(0);
  zonelists_built = false;

  /** mem_map: kernel virtual address and page count (0 until free_area_init_core). */
  mem_map = 0;
  npages = 0;
  next: Int32Array = EMPTY32;
  prev: Int32Array = EMPTY32;
  page_count: Int32Array = EMPTY32;
  page_flags: Uint32Array = new Uint32Array(0);
  /** Zone index of each page, 255 for NULL. */
  page_zone: Uint8Array = EMPTY8;
  /** Order of the free block a page heads, -1 if none (model bookkeeping, kept with the lists). */
  free_order: Int8Array = new Int8Array(0);
  /** Order a page was handed out with by alloc_pages, -1 if none (model bookkeeping). */
  alloc_order: Int8Array = new Int8Array(0);

  readonly pageTables: PageTablePage[] = [];
  /** Page-directory entries paging_init has filled (`pgdN` for PAE pgds, `i/j` for pmds). */
  readonly pmdPresent = new Set<string>();
  readonly bootmemAllocs: BootmemAlloc[] = [];
  readonly resources: ResourceRec[] = [];
  /** Who is asking bootmem right now (model bookkeeping for the views, not kernel state). */
  bootmemCaller = '';
  /** kswapd wake-ups recorded by __alloc_pages (the model has no kswapd to run). */
  kswapd_wakeups = 0;
  /** page_is_ram's E820 RAM ranges in pfns, worked out on first use. */
  ramPfnRanges: Float64Array | null = null;
  /** Set when boot has finished mem_init. */
  booted = false;

  constructor(machine: Machine) {
    this.machine = machine;
    this.CONFIG_HIGHMEM = machine.highmem;
    this.CONFIG_X86_PAE = machine.pae;
    this.cpu_has_pse = machine.pse;
    this.paging = machine.pae ? PAGING_3LEVEL : PAGING_2LEVEL;
    this.zones = [];
    for (let j = 0; j < MAX_NR_ZONES; j++) this.zones.push(new Zone(j));
  }

  /** A deep copy: the same state in new arrays, for checkpoints. */
  clone(): Kernel {
    const c = new Kernel(this.machine);
    const skip = new Set(['machine', 'CONFIG_HIGHMEM', 'CONFIG_X86_PAE', 'cpu_has_pse', 'paging', 'zones', 'log', 'pageTables', 'bootmemAllocs', 'resources', 'pmdPresent']);
    const self = this as unknown as Record<string, unknown>;
    const dst = c as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) {
      if (skip.has(key)) continue;
      dst[key] = copy(self[key]);
    }
    c.log.push(...this.log);
    c.pageTables.push(...this.pageTables.map((t) => ({ ...t })));
    c.bootmemAllocs.push(...this.bootmemAllocs.map((a) => ({ ...a })));
    c.resources.push(...this.resources.map((r) => ({ ...r })));
    for (const p of this.pmdPresent) c.pmdPresent.add(p);
    this.zones.forEach((z, j) => {
      const t = c.zones[j];
      Object.assign(t, { ...z, free_area: z.free_area.map((a) => Object.assign(new FreeArea(a.head), { map: a.map.slice(), map_addr: a.map_addr })) });
    });
    return c;
  }

  printk(line: string): void {
    this.log.push(line);
  }

  /** Creates mem_map's arrays for `n` struct pages and the free-list heads after them. */
  allocMemMap(n: number): void {
    this.npages = n;
    const links = n + MAX_NR_ZONES * MAX_ORDER;
    this.next = new Int32Array(links);
    this.prev = new Int32Array(links);
    this.page_count = new Int32Array(n);
    this.page_flags = new Uint32Array(n);
    this.page_zone = new Uint8Array(n).fill(255);
    this.free_order = new Int8Array(n).fill(-1);
    this.alloc_order = new Int8Array(n).fill(-1);
    for (const z of this.zones) {
      z.free_area = [];
      for (let o = 0; o < MAX_ORDER; o++) {
        const h = n + z.index * MAX_ORDER + o;
        z.free_area.push(new FreeArea(h));
      }
    }
  }

  /** The page index of a struct page address inside mem_map. */
  pageIndex(addr: number): number {
    return (addr - this.mem_map) / 64;
  }
}

function copy(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return (v as Uint8Array).slice();
  if (Array.isArray(v)) return v.map(copy);
  if (v && typeof v === 'object') return { ...(v as object) };
  return v;
}
