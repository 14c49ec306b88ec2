// Read-only C views of the kernel's state, as a debugger shows them: each value has the C type
// of 2.4.0 and, for structures, pointers and arrays, children produced on demand (so a
// 1M-entry mem_map opens at once). Addresses are kernel virtual; objects that live in the
// kernel image (contig_page_data, the globals) get fixed, stated addresses in
// [0xC0100000, __va(_end)) that bootmem never hands out.

import { SIZEOF, MAX_NR_ZONES, MAX_ORDER, NR_GFPINDEX } from '../include/mmzone';
import { PAGE_SIZE, __va } from '../include/page';
import type { Kernel, Zone } from '../state';

export type KVal =
  | { readonly t: 'int'; readonly v: number; readonly ctype: string }
  | { readonly t: 'ptr'; readonly addr: number; readonly ctype: string; readonly target?: () => KVal; readonly elem?: (i: number) => KVal; readonly elemSize?: number }
  | { readonly t: 'struct'; readonly ctype: string; readonly addr: number; readonly fields: () => [string, KVal][] }
  | { readonly t: 'array'; readonly ctype: string; readonly addr: number; readonly length: number; readonly elemSize: number; readonly at: (i: number) => KVal }
  | { readonly t: 'str'; readonly v: string };

/** Where the model places kernel-image objects (stated, not known: see design.md). */
export const IMAGE = {
  contig_page_data: 0xc0200000,
  contig_bootmem_data: 0xc0200000 + SIZEOF.pg_data_t,
  globals: 0xc0202000,
} as const;

const ZONE_T = 180;
const FREE_AREA_OFF = 48; // offset of free_area[] in zone_t (i386, empty spinlock_t)

export const int = (v: number, ctype = 'unsigned long'): KVal => ({ t: 'int', v, ctype });

export function zoneAddr(zone: Zone): number {
  return IMAGE.contig_page_data + zone.index * ZONE_T;
}

/** The struct page at mem_map[i]. */
export function pageVal(k: Kernel, i: number): KVal {
  const addr = k.mem_map + i * SIZEOF.page;
  return {
    t: 'struct', ctype: 'struct page', addr,
    fields: () => {
      const link = (j: number): KVal => linkPtr(k, j);
      const z = k.page_zone[i];
      return [
        ['list', { t: 'struct', ctype: 'struct list_head', addr, fields: () => [['next', link(k.next[i])], ['prev', link(k.prev[i])]] }],
        ['count', int(k.page_count[i], 'atomic_t')],
        ['flags', int(k.page_flags[i] >>> 0, 'unsigned long')],
        ['virtual', ptr(z === 2 || z === 255 ? 0 : __va(i * PAGE_SIZE), 'void *')],
        ['zone', z === 255 ? ptr(0, 'zone_t *') : zonePtr(k, k.zones[z])],
      ];
    },
  };
}

/** A list_head link: a page's list, or a free_area's free_list head. */
function linkPtr(k: Kernel, j: number): KVal {
  if (j < k.npages) return pagePtr(k, j, 'struct list_head *');
  const h = j - k.npages;
  const z = k.zones[Math.floor(h / MAX_ORDER)];
  return ptr(zoneAddr(z) + FREE_AREA_OFF + (h % MAX_ORDER) * SIZEOF.free_area_t, 'struct list_head *');
}

export function ptr(addr: number, ctype: string, target?: () => KVal): KVal {
  return { t: 'ptr', addr, ctype, target };
}

export function pagePtr(k: Kernel, i: number, ctype = 'struct page *'): KVal {
  if (i < 0) return ptr(0, ctype);
  return { t: 'ptr', addr: k.mem_map + i * SIZEOF.page, ctype, target: () => pageVal(k, i), elem: (d) => pageVal(k, i + d), elemSize: SIZEOF.page };
}

export function memMapVal(k: Kernel): KVal {
  return { t: 'array', ctype: `struct page [${k.npages}]`, addr: k.mem_map, length: k.npages, elemSize: SIZEOF.page, at: (i) => pageVal(k, i) };
}

/** One 32-bit word of a buddy bitmap, little-endian as the i386 reads it. */
const word = (map: Uint8Array, i: number): KVal =>
  int((map[4 * i] | (map[4 * i + 1] << 8) | (map[4 * i + 2] << 16) | (map[4 * i + 3] << 24)) >>> 0, 'unsigned int');

function bitmapVal(map: Uint8Array, addr: number): KVal {
  const words = map.length >> 2;
  return { t: 'array', ctype: `unsigned int [${words}]`, addr, length: words, elemSize: 4, at: (i) => word(map, i) };
}

/** free_area[i].map: an unsigned int * over the bitmap bootmem gave it. */
function mapPtr(map: Uint8Array, addr: number): KVal {
  return { t: 'ptr', addr, ctype: 'unsigned int *', target: () => word(map, 0), elem: (i) => word(map, i), elemSize: 4 };
}

export { bitmapVal };

export function freeAreaVal(k: Kernel, z: Zone, order: number): KVal {
  const addr = zoneAddr(z) + FREE_AREA_OFF + order * SIZEOF.free_area_t;
  return {
    t: 'struct', ctype: 'free_area_t', addr,
    fields: () => {
      const a = z.free_area[order];
      const head = a ? a.head : -1;
      const empty = !z.size || !a;
      return [
        ['free_list', { t: 'struct', ctype: 'struct list_head', addr, fields: () => [
          ['next', empty ? ptr(0, 'struct list_head *') : linkPtr(k, k.next[head])],
          ['prev', empty ? ptr(0, 'struct list_head *') : linkPtr(k, k.prev[head])],
        ] }],
        ['map', a && a.map_addr ? mapPtr(a.map, a.map_addr) : ptr(0, 'unsigned int *')],
      ];
    },
  };
}

export function freeAreaPtr(k: Kernel, z: Zone, order: number): KVal {
  return {
    t: 'ptr', addr: zoneAddr(z) + FREE_AREA_OFF + order * SIZEOF.free_area_t, ctype: 'free_area_t *',
    target: () => freeAreaVal(k, z, order), elem: (d) => freeAreaVal(k, z, order + d), elemSize: SIZEOF.free_area_t,
  };
}

export function zoneVal(k: Kernel, z: Zone): KVal {
  return {
    t: 'struct', ctype: 'zone_t', addr: zoneAddr(z),
    fields: () => [
      ['offset', int(z.offset)],
      ['free_pages', int(z.free_pages)],
      ['inactive_clean_pages', int(z.inactive_clean_pages)],
      ['inactive_dirty_pages', int(z.inactive_dirty_pages)],
      ['pages_min', int(z.pages_min)],
      ['pages_low', int(z.pages_low)],
      ['pages_high', int(z.pages_high)],
      ['free_area', { t: 'array', ctype: `free_area_t [${MAX_ORDER}]`, addr: zoneAddr(z) + FREE_AREA_OFF, length: MAX_ORDER, elemSize: SIZEOF.free_area_t, at: (o) => freeAreaVal(k, z, o) }],
      ['name', { t: 'str', v: z.name }],
      ['size', int(z.size)],
      ['zone_start_paddr', int(z.zone_start_paddr)],
      ['zone_start_mapnr', int(z.zone_start_mapnr)],
      ['zone_mem_map', z.zone_mem_map ? pagePtr(k, Math.round((z.zone_mem_map - k.mem_map) / SIZEOF.page)) : ptr(0, 'struct page *')],
    ],
  };
}

export function zonePtr(k: Kernel, z: Zone | null): KVal {
  if (!z) return ptr(0, 'zone_t *');
  return { t: 'ptr', addr: zoneAddr(z), ctype: 'zone_t *', target: () => zoneVal(k, z), elem: (d) => zoneVal(k, k.zones[z.index + d]), elemSize: ZONE_T };
}

function zonelistVal(k: Kernel, i: number): KVal {
  const addr = IMAGE.contig_page_data + MAX_NR_ZONES * ZONE_T + i * SIZEOF.zonelist_t;
  return {
    t: 'struct', ctype: 'zonelist_t', addr,
    fields: () => [
      ['zones', { t: 'array', ctype: 'zone_t * [4]', addr, length: MAX_NR_ZONES + 1, elemSize: 4, at: (j) => {
        const z = k.zonelists.length ? k.zonelists[i * 4 + j] : -1;
        return zonePtr(k, z >= 0 ? k.zones[z] : null);
      } }],
      ['gfp_mask', int(k.zonelists_built ? i : 0, 'int')],
    ],
  };
}

export function bdataVal(k: Kernel): KVal {
  const b = k.bdata;
  return {
    t: 'struct', ctype: 'bootmem_data_t', addr: IMAGE.contig_bootmem_data,
    fields: () => [
      ['node_boot_start', int(b.node_boot_start)],
      ['node_low_pfn', int(b.node_low_pfn)],
      ['node_bootmem_map', b.node_bootmem_map ? {
        t: 'ptr', addr: b.node_bootmem_map, ctype: 'void *', elemSize: 4, elem: (i: number) => word(k.bootmem_map, i),
        target: () => ({ t: 'array', ctype: `unsigned char [${k.bootmem_map.length}]`, addr: b.node_bootmem_map, length: k.bootmem_map.length, elemSize: 1, at: (i: number) => int(k.bootmem_map[i], 'unsigned char') }),
      } as KVal : ptr(0, 'void *')],
      ['last_offset', int(b.last_offset)],
      ['last_pos', int(b.last_pos)],
    ],
  };
}

export function pgdatVal(k: Kernel): KVal {
  const base = IMAGE.contig_page_data;
  return {
    t: 'struct', ctype: 'pg_data_t', addr: base,
    fields: () => [
      ['node_zones', { t: 'array', ctype: `zone_t [${MAX_NR_ZONES}]`, addr: base, length: MAX_NR_ZONES, elemSize: ZONE_T, at: (j) => zoneVal(k, k.zones[j]) }],
      ['node_zonelists', { t: 'array', ctype: `zonelist_t [${NR_GFPINDEX}]`, addr: base + MAX_NR_ZONES * ZONE_T, length: NR_GFPINDEX, elemSize: SIZEOF.zonelist_t, at: (i) => zonelistVal(k, i) }],
      ['node_mem_map', k.node_mem_map ? pagePtr(k, 0) : ptr(0, 'struct page *')],
      ['bdata', ptr(IMAGE.contig_bootmem_data, 'bootmem_data_t *', () => bdataVal(k))],
      ['node_start_paddr', int(k.node_start_paddr)],
      ['node_start_mapnr', int(k.node_start_mapnr)],
      ['node_size', int(k.node_size)],
      ['node_id', int(0, 'int')],
    ],
  };
}

/** The globals a reader of the 2.4 mm code meets, by their kernel names. */
export function globals(k: Kernel): [string, KVal][] {
  const e820: KVal = {
    t: 'struct', ctype: 'struct e820map', addr: IMAGE.globals,
    fields: () => [
      ['nr_map', int(k.e820.length, 'int')],
      ['map', { t: 'array', ctype: `struct e820entry [${k.e820.length}]`, addr: IMAGE.globals + 4, length: k.e820.length, elemSize: 20, at: (i) => ({
        t: 'struct', ctype: 'struct e820entry', addr: IMAGE.globals + 4 + 20 * i,
        fields: () => [['addr', int(k.e820[i].addr, 'unsigned long long')], ['size', int(k.e820[i].size, 'unsigned long long')], ['type', int(k.e820[i].type)]],
      }) }],
    ],
  };
  return [
    ['max_low_pfn', int(k.max_low_pfn)],
    ['min_low_pfn', int(k.min_low_pfn)],
    ['highstart_pfn', int(k.highstart_pfn)],
    ['highend_pfn', int(k.highend_pfn)],
    ['max_mapnr', int(k.max_mapnr)],
    ['num_physpages', int(k.num_physpages)],
    ['totalram_pages', int(k.totalram_pages)],
    ['totalhigh_pages', int(k.totalhigh_pages)],
    ['high_memory', ptr(k.high_memory, 'void *')],
    ['mem_map', k.mem_map ? { ...(pagePtr(k, 0) as object), ctype: 'mem_map_t *' } as KVal : ptr(0, 'mem_map_t *')],
    ['memory_pressure', int(k.memory_pressure, 'int')],
    ['freepages', { t: 'struct', ctype: 'freepages_t', addr: IMAGE.globals + 0x400, fields: () => [['min', int(k.freepages.min, 'unsigned int')], ['low', int(k.freepages.low, 'unsigned int')], ['high', int(k.freepages.high, 'unsigned int')]] }],
    ['e820', e820],
    ['contig_page_data', pgdatVal(k)],
  ];
}

/** How a value reads in one line, as gdb would print it. */
export function show(v: KVal): string {
  switch (v.t) {
    case 'int': return v.ctype.includes('unsigned') && v.v > 0xffff ? `${v.v} (0x${v.v.toString(16)})` : String(v.v);
    case 'str': return JSON.stringify(v.v);
    case 'ptr': return v.addr === 0 ? 'NULL' : `(${v.ctype}) 0x${v.addr.toString(16)}`;
    case 'array': return `${v.ctype} @ 0x${v.addr.toString(16)}`;
    case 'struct': return `{${v.fields().slice(0, 4).map(([n, f]) => `${n} = ${f.t === 'int' ? f.v : f.t === 'str' ? JSON.stringify(f.v) : f.t === 'ptr' ? (f.addr ? '0x' + f.addr.toString(16) : 'NULL') : '…'}`).join(', ')}${v.fields().length > 4 ? ', …' : ''}}`;
  }
}

