// A frame's locals as C values. The engine keeps C pointers as indices (a struct page * as
// its mem_map index, a free_area_t * as its order in the frame's zone, a zonelist_t * as its
// gfp index); this table says which local is which, per kernel function.

import type { Kernel, Zone, BootmemData } from '../state';
import { Zone as ZoneClass } from '../state';
import { freeAreaPtr, int, pagePtr, ptr, zonePtr, bdataVal, IMAGE, type KVal } from './values';
import { SIZEOF, MAX_NR_ZONES } from '../include/mmzone';

type Kind = 'page' | 'area' | 'zonelist' | 'zoneidx' | 'voidp' | 'int';

const PAGE_LOCALS = ['page', 'base', 'buddy1', 'buddy2', 'fpage', 'p', 'curr', 'head'];
const TYPES: Record<string, Record<string, Kind>> = {
  __free_pages_ok: { area: 'area' },
  expand: { area: 'area' },
  rmqueue: { area: 'area' },
  __alloc_pages: { zonelist: 'zonelist', zone: 'int' },
  __alloc_pages_limit: { zonelist: 'zonelist', zone: 'int' },
  build_zonelists: { zonelist: 'zonelist', zone: 'zoneidx' },
  __alloc_bootmem_core: { ret: 'voidp' },
  __alloc_bootmem: { ptr: 'voidp' },
  free_area_init_core: { lmem_map: 'voidp' },
  pagetable_init: { pmd: 'voidp', pte: 'voidp' },
  fixrange_init: { pmd: 'voidp', pte: 'voidp' },
  setup_arch: { res: 'voidp' },
  show_free_areas_core: { head: 'int', curr: 'int' },
};

function kindOf(fn: string, name: string): Kind {
  const t = TYPES[fn]?.[name];
  if (t) return t;
  return PAGE_LOCALS.includes(name) ? 'page' : 'int';
}

/** One local as a C value; `frame` gives the other locals (a free_area_t * needs its zone). */
export function localVal(k: Kernel, fn: string, name: string, raw: unknown, frame: Record<string, unknown>): KVal {
  if (raw instanceof ZoneClass) return zonePtr(k, raw);
  if (Array.isArray(raw)) {
    return { t: 'array', ctype: `unsigned long [${raw.length}]`, addr: 0, length: raw.length, elemSize: 4, at: (i) => int(Number(raw[i])) };
  }
  if (raw && typeof raw === 'object' && 'node_low_pfn' in (raw as BootmemData)) return ptr(IMAGE.contig_bootmem_data, 'bootmem_data_t *', () => bdataVal(k));
  if (raw === null) return ptr(0, 'void *');
  if (typeof raw === 'string') return { t: 'str', v: raw };
  if (typeof raw !== 'number') return { t: 'str', v: String(raw) };
  switch (kindOf(fn, name)) {
    case 'page':
      if (raw >= k.npages && k.npages) return ptr(0, 'struct list_head *'); // a list head, not a page
      return k.npages ? pagePtr(k, raw) : int(raw);
    case 'area': {
      const z = frame.zone instanceof ZoneClass ? (frame.zone as Zone) : null;
      return z ? freeAreaPtr(k, z, raw) : int(raw);
    }
    case 'zonelist':
      return ptr(IMAGE.contig_page_data + MAX_NR_ZONES * 180 + raw * SIZEOF.zonelist_t, 'zonelist_t *');
    case 'zoneidx':
      return zonePtr(k, k.zones[raw] ?? null);
    case 'voidp':
      return ptr(raw, 'void *');
    default:
      return int(raw, Number.isInteger(raw) && raw < 0 ? 'long' : 'unsigned long');
  }
}

export function localVals(k: Kernel, fn: string, frame: Record<string, unknown>): [string, KVal][] {
  return Object.entries(frame).map(([n, v]) => [n, localVal(k, fn, n, v, frame)]);
}
