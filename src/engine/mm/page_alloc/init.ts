// mm/page_alloc.c, zone set-up: free_area_init_core (mem_map from bootmem, every page
// reserved, zone fields, watermarks, the per-order buddy bitmaps) and build_zonelists (the
// 256 gfp_mask -> zone fallback chains).

import { $, call, frame, type Kgen } from '../../exec/gen';
import { KernelBug } from '../../errors';
import { PG_reserved } from '../../include/mm';
import { INIT_LIST_HEAD } from '../../include/list';
import {
  LONG_ALIGN, MAX_NR_ZONES, MAX_ORDER, NR_GFPINDEX, SIZEOF, ZONE_DMA, ZONE_HIGHMEM, ZONE_NORMAL,
  zone_balance_max, zone_balance_min, zone_balance_ratio,
} from '../../include/mmzone';
import { MAX_DMA_ADDRESS, PAGE_OFFSET, PAGE_SIZE, SMP_CACHE_BYTES, __pa } from '../../include/page';
import type { Kernel, Zone } from '../../state';
import { __alloc_bootmem } from '../bootmem';

const FILE = 'mm/page_alloc.c';
/** free_area_init passes no zholes_size on i386: every zone is counted whole, holes included. */
const ZHOLES_SIZE = false;

/** MAP_ALIGN of mmzone.h: round an offset up to a multiple of sizeof(struct page). */
const MAP_ALIGN = (x: number): number => (x % SIZEOF.page === 0 ? x : x + SIZEOF.page - (x % SIZEOF.page));

/** alloc_bootmem_node(pgdat, size): cache-aligned, from 16 MiB up if it fits. */
function* alloc_bootmem_node(k: Kernel, size: number, by: string): Kgen<number> {
  k.bootmemCaller = by;
  return yield call(__alloc_bootmem, k, size, SMP_CACHE_BYTES, __pa(MAX_DMA_ADDRESS));
}

// C: void __init free_area_init_core(int nid, pg_data_t *pgdat, struct page **gmap, unsigned long *zones_size, unsigned long zone_start_paddr, unsigned long *zholes_size, struct page *lmem_map)
export function* free_area_init_core(k: Kernel, nid: number, zones_size: number[], zone_start_paddr: number): Kgen<void> {
  let p = 0, i = 0, j = 0, map_size = 0, totalpages = 0, offset = 0, realtotalpages = 0, cumulative = 0;
  let lmem_map = 0, mask = 0, size = 0, realsize = 0, bitmap_size = 0, page = 0;
  let zone: Zone = k.zones[0];
  yield frame(() => ({
    nid, zones_size, zone_start_paddr, p, i, j, map_size, totalpages, offset, realtotalpages,
    cumulative, lmem_map, zone, mask, size, realsize, bitmap_size, page,
  }));
  yield $('unsigned int cumulative = 0;');
  yield $('totalpages = 0;');
  totalpages = 0;
  for (i = 0; (yield $('for (i = 0; i < MAX_NR_ZONES; i++)')), i < MAX_NR_ZONES; i++) {
    yield $('unsigned long size = zones_size[i];');
    size = zones_size[i];
    yield $('totalpages += size;');
    totalpages += size;
  }
  yield $('realtotalpages = totalpages;');
  realtotalpages = totalpages;
  yield $('if (zholes_size)');
  if (ZHOLES_SIZE) {
    for (i = 0; (yield $('for (i = 0; i < MAX_NR_ZONES; i++)', 2)), i < MAX_NR_ZONES; i++) {
      yield $('realtotalpages -= zholes_size[i];');
    }
  }
  yield $('printk("On node %d totalpages: %lu\\n", nid, realtotalpages);');
  k.printk(`On node ${nid} totalpages: ${realtotalpages}`);
  yield $('memlist_init(&active_list);');
  yield $('memlist_init(&inactive_dirty_list);');
  yield $('map_size = (totalpages + 1)*sizeof(struct page);');
  map_size = (totalpages + 1) * SIZEOF.page;
  yield $('if (lmem_map == (struct page *)0)');
  yield $('lmem_map = (struct page *) alloc_bootmem_node(pgdat, map_size);');
  lmem_map = yield* alloc_bootmem_node(k, map_size, 'mem_map');
  yield $('lmem_map = (struct page *)(PAGE_OFFSET + MAP_ALIGN((unsigned long)lmem_map - PAGE_OFFSET));');
  lmem_map = PAGE_OFFSET + MAP_ALIGN(lmem_map - PAGE_OFFSET);
  yield $('*gmap = pgdat->node_mem_map = lmem_map;');
  k.mem_map = k.node_mem_map = lmem_map;
  k.allocMemMap(totalpages);
  yield $('pgdat->node_size = totalpages;');
  k.node_size = totalpages;
  yield $('pgdat->node_start_paddr = zone_start_paddr;');
  k.node_start_paddr = zone_start_paddr;
  yield $('pgdat->node_start_mapnr = (lmem_map - mem_map);');
  k.node_start_mapnr = 0;
  const flags = k.page_flags;
  for (p = 0; (yield $('for (p = lmem_map; p < lmem_map + totalpages; p++)')), p < totalpages; p++) {
    yield $('set_page_count(p, 0);');
    k.page_count[p] = 0;
    yield $('SetPageReserved(p);');
    flags[p] |= 1 << PG_reserved;
    yield $('init_waitqueue_head(&p->wait);');
    yield $('memlist_init(&p->list);');
    k.next[p] = p;
    k.prev[p] = p;
  }
  yield $('offset = lmem_map - mem_map;');
  offset = 0;
  for (j = 0; (yield $('for (j = 0; j < MAX_NR_ZONES; j++)')), j < MAX_NR_ZONES; j++) {
    yield $('zone_t *zone = pgdat->node_zones + j;');
    zone = k.zones[j];
    yield $('realsize = size = zones_size[j];');
    realsize = size = zones_size[j];
    yield $('if (zholes_size)', 2);
    if (ZHOLES_SIZE) {
      yield $('realsize -= zholes_size[j];');
    }
    yield $('printk("zone(%lu): %lu pages.\\n", j, size);');
    k.printk(`zone(${j}): ${size} pages.`);
    yield $('zone->size = size;');
    zone.size = size;
    yield $('zone->name = zone_names[j];');
    yield $('zone->lock = SPIN_LOCK_UNLOCKED;');
    yield $('zone->zone_pgdat = pgdat;');
    yield $('zone->free_pages = 0;');
    zone.free_pages = 0;
    yield $('zone->inactive_clean_pages = 0;');
    yield $('zone->inactive_dirty_pages = 0;');
    yield $('memlist_init(&zone->inactive_clean_list);');
    yield $('if (!size)');
    if (!size) {
      yield $('continue;');
      continue;
    }
    yield $('zone->offset = offset;');
    zone.offset = offset;
    yield $('cumulative += size;');
    cumulative += size;
    yield $('mask = (realsize / zone_balance_ratio[j]);');
    mask = Math.floor(realsize / zone_balance_ratio[j]);
    yield $('if (mask < zone_balance_min[j])');
    if (mask < zone_balance_min[j]) {
      yield $('mask = zone_balance_min[j];');
      mask = zone_balance_min[j];
    } else {
      yield $('if (mask > zone_balance_max[j])');
      if (mask > zone_balance_max[j]) {
        yield $('mask = zone_balance_max[j];');
        mask = zone_balance_max[j];
      }
    }
    yield $('zone->pages_min = mask;');
    zone.pages_min = mask;
    yield $('zone->pages_low = mask*2;');
    zone.pages_low = mask * 2;
    yield $('zone->pages_high = mask*3;');
    zone.pages_high = mask * 3;
    yield $('freepages.min += mask;');
    k.freepages.min += mask;
    yield $('freepages.low += mask*2;');
    k.freepages.low += mask * 2;
    yield $('freepages.high += mask*3;');
    k.freepages.high += mask * 3;
    yield $('zone->zone_mem_map = mem_map + offset;');
    zone.zone_mem_map = k.mem_map + offset * SIZEOF.page;
    yield $('zone->zone_start_mapnr = offset;');
    zone.zone_start_mapnr = offset;
    yield $('zone->zone_start_paddr = zone_start_paddr;');
    zone.zone_start_paddr = zone_start_paddr;
    for (i = 0; (yield $('for (i = 0; i < size; i++)')), i < size; i++) {
      yield $('struct page *page = mem_map + offset + i;');
      page = offset + i;
      yield $('page->zone = zone;');
      k.page_zone[page] = j;
      yield $('if (j != ZONE_HIGHMEM)');
      if (j !== ZONE_HIGHMEM) {
        // page->virtual is derived from the zone when read: __va of the page's address.
        yield $('page->virtual = __va(zone_start_paddr);');
        yield $('zone_start_paddr += PAGE_SIZE;');
        zone_start_paddr += PAGE_SIZE;
      }
    }
    yield $('offset += size;');
    offset += size;
    yield $('mask = -1;');
    mask = -1;
    for (i = 0; (yield $('for (i = 0; i < MAX_ORDER; i++)')), i < MAX_ORDER; i++) {
      yield $('memlist_init(&zone->free_area[i].free_list);');
      INIT_LIST_HEAD(k, zone.free_area[i].head);
      yield $('mask += mask;');
      mask += mask;
      yield $('size = (size + ~mask) & mask;');
      size = (size + ~mask) & mask;
      yield $('bitmap_size = size >> i;');
      bitmap_size = size >>> i;
      yield $('bitmap_size = (bitmap_size + 7) >> 3;');
      bitmap_size = (bitmap_size + 7) >>> 3;
      yield $('bitmap_size = LONG_ALIGN(bitmap_size);');
      bitmap_size = LONG_ALIGN(bitmap_size);
      yield $('zone->free_area[i].map = (unsigned int *) alloc_bootmem_node(pgdat, bitmap_size);');
      const addr: number = yield* alloc_bootmem_node(k, bitmap_size, `${zone.name} free_area[${i}].map`);
      zone.free_area[i].map = new Uint8Array(bitmap_size);
      zone.free_area[i].map_addr = addr;
    }
  }
  yield $('build_zonelists(pgdat);');
  yield call(build_zonelists, k);
}

/** build_zonelists: for each gfp index, HighMem -> Normal -> DMA from the zone it asks for. */
// C: static inline void build_zonelists(pg_data_t *pgdat)
export function* build_zonelists(k: Kernel): Kgen<void> {
  let i = 0, j = 0, kk = 0, zonelist = 0, zone = 0;
  const zl = new Int8Array(NR_GFPINDEX * (MAX_NR_ZONES + 1)).fill(-1);
  k.zonelists = zl;
  const { __GFP_HIGHMEM, __GFP_DMA } = gfp(k);
  yield frame(() => ({ i, j, k: kk, zonelist, zone }));
  for (i = 0; (yield $('for (i = 0; i < NR_GFPINDEX; i++)')), i < NR_GFPINDEX; i++) {
    yield $('zonelist = pgdat->node_zonelists + i;');
    zonelist = i;
    yield $('memset(zonelist, 0, sizeof(*zonelist));');
    yield $('zonelist->gfp_mask = i;');
    yield $('j = 0;');
    j = 0;
    yield $('k = ZONE_NORMAL;');
    kk = ZONE_NORMAL;
    yield $('if (i & __GFP_HIGHMEM)');
    if (i & __GFP_HIGHMEM) {
      yield $('k = ZONE_HIGHMEM;');
      kk = ZONE_HIGHMEM;
    }
    yield $('if (i & __GFP_DMA)');
    if (i & __GFP_DMA) {
      yield $('k = ZONE_DMA;');
      kk = ZONE_DMA;
    }
    yield $('switch (k)');
    if (kk !== ZONE_HIGHMEM && kk !== ZONE_NORMAL && kk !== ZONE_DMA) {
      yield $('BUG();');
      throw new KernelBug(FILE, 'build_zonelists', `zone index ${kk}`);
    }
    // The switch falls through: from the zone asked for down to DMA.
    if (kk === ZONE_HIGHMEM) {
      yield $('zone = pgdat->node_zones + ZONE_HIGHMEM;');
      zone = ZONE_HIGHMEM;
      yield $('if (zone->size)');
      if (k.zones[zone].size) {
        if (!k.CONFIG_HIGHMEM) {
          yield $('BUG();', 2);
          throw new KernelBug(FILE, 'build_zonelists', 'a HighMem zone without CONFIG_HIGHMEM');
        }
        yield $('zonelist->zones[j++] = zone;');
        zl[i * 4 + j++] = zone;
      }
    }
    if (kk >= ZONE_NORMAL) {
      yield $('zone = pgdat->node_zones + ZONE_NORMAL;');
      zone = ZONE_NORMAL;
      yield $('if (zone->size)', 2);
      if (k.zones[zone].size) {
        yield $('zonelist->zones[j++] = zone;', 2);
        zl[i * 4 + j++] = zone;
      }
    }
    yield $('zone = pgdat->node_zones + ZONE_DMA;');
    zone = ZONE_DMA;
    yield $('if (zone->size)', 3);
    if (k.zones[zone].size) {
      yield $('zonelist->zones[j++] = zone;', 3);
      zl[i * 4 + j++] = zone;
    }
    yield $('zonelist->zones[j++] = NULL;');
    j++;
  }
  k.zonelists_built = true;
}

function gfp(k: Kernel): { __GFP_HIGHMEM: number; __GFP_DMA: number } {
  return { __GFP_HIGHMEM: k.CONFIG_HIGHMEM ? 0x10 : 0, __GFP_DMA: 0x08 };
}

/** free_area_init: the single-node entry paging_init calls. */
// C: void __init free_area_init(unsigned long *zones_size)
export function* free_area_init(k: Kernel, zones_size: number[]): Kgen<void> {
  yield frame(() => ({ zones_size }));
  yield $('free_area_init_core(0, &contig_page_data, &mem_map, zones_size, 0, 0, 0);');
  yield call(free_area_init_core, k, 0, zones_size, 0);
}

