// mm/bootmem.c: the boot-time allocator — one bit per low page, set = reserved — that
// setup_arch fills from the E820 map, paging_init and free_area_init_core allocate from, and
// free_all_bootmem finally hands to the buddy allocator.

import { $, call, frame, type Kgen } from '../exec/gen';
import { KernelBug } from '../errors';
import { find_next_set_bit, test_and_clear_bit, test_and_set_bit, test_bit } from '../include/bitops';
import { PAGE_SHIFT, PAGE_SIZE, PAGE_MASK_LOW, __pa, __va } from '../include/page';
import type { Kernel } from '../state';
import { __free_page } from './page_alloc/buddy';
import { PG_reserved } from '../include/mm';

const FILE = 'mm/bootmem.c';

/** init_bootmem_core: the bitmap at `mapstart`, every page reserved. Returns its size. */
// C: static unsigned long __init init_bootmem_core (pg_data_t *pgdat, unsigned long mapstart, unsigned long start, unsigned long end)
export function* init_bootmem_core(k: Kernel, mapstart: number, start: number, end: number): Kgen<number> {
  const bdata = k.bdata;
  let mapsize = 0;
  yield frame(() => ({ mapstart, start, end, mapsize, bdata }));
  yield $('bootmem_data_t *bdata = pgdat->bdata;');
  yield $('unsigned long mapsize = ((end - start)+7)/8;');
  mapsize = Math.floor((end - start + 7) / 8);
  yield $('pgdat->node_next = pgdat_list;');
  yield $('pgdat_list = pgdat;');
  yield $('mapsize = (mapsize + (sizeof(long) - 1UL)) & ~(sizeof(long) - 1UL);');
  mapsize = (mapsize + 3) & ~3;
  yield $('bdata->node_bootmem_map = phys_to_virt(mapstart << PAGE_SHIFT);');
  bdata.node_bootmem_map = __va(mapstart * PAGE_SIZE);
  yield $('bdata->node_boot_start = (start << PAGE_SHIFT);');
  bdata.node_boot_start = start * PAGE_SIZE;
  yield $('bdata->node_low_pfn = end;');
  bdata.node_low_pfn = end;
  yield $('memset(bdata->node_bootmem_map, 0xff, mapsize);');
  k.bootmem_map = new Uint8Array(mapsize).fill(0xff);
  yield $('return mapsize;');
  return mapsize;
}

/** init_bootmem: the single-node entry point setup_arch calls. */
// C: unsigned long __init init_bootmem (unsigned long start, unsigned long pages)
export function* init_bootmem(k: Kernel, start: number, pages: number): Kgen<number> {
  yield frame(() => ({ start, pages }));
  yield $('max_low_pfn = pages;');
  k.max_low_pfn = pages;
  yield $('min_low_pfn = start;');
  k.min_low_pfn = start;
  yield $('return(init_bootmem_core(&contig_page_data, start, 0, pages));');
  return yield call(init_bootmem_core, k, start, 0, pages);
}

/** reserve_bootmem_core: partially covered pages count as reserved (the end rounds up). */
// C: static void __init reserve_bootmem_core(bootmem_data_t *bdata, unsigned long addr, unsigned long size)
export function* reserve_bootmem_core(k: Kernel, addr: number, size: number): Kgen<void> {
  const bdata = k.bdata;
  let i = 0, sidx = 0, eidx = 0, end = 0;
  yield frame(() => ({ bdata, addr, size, i, sidx, eidx, end }));
  yield $('unsigned long sidx = (addr - bdata->node_boot_start)/PAGE_SIZE;');
  sidx = Math.floor((addr - bdata.node_boot_start) / PAGE_SIZE);
  yield $('unsigned long eidx = (addr + size - bdata->node_boot_start + PAGE_SIZE-1)/PAGE_SIZE;');
  eidx = Math.floor((addr + size - bdata.node_boot_start + PAGE_SIZE - 1) / PAGE_SIZE);
  yield $('unsigned long end = (addr + size + PAGE_SIZE-1)/PAGE_SIZE;');
  end = Math.floor((addr + size + PAGE_SIZE - 1) / PAGE_SIZE);
  yield $('if (!size) BUG();');
  if (!size) throw new KernelBug(FILE, 'reserve_bootmem_core', 'size is 0');
  yield $('if (end > bdata->node_low_pfn)');
  if (end > bdata.node_low_pfn) {
    yield $('BUG();');
    throw new KernelBug(FILE, 'reserve_bootmem_core', `range ends at page 0x${end.toString(16)}, past node_low_pfn 0x${bdata.node_low_pfn.toString(16)}`);
  }
  for (i = sidx; (yield $('for (i = sidx; i < eidx; i++)')), i < eidx; i++) {
    yield $('if (test_and_set_bit(i, bdata->node_bootmem_map))');
    if (test_and_set_bit(i, k.bootmem_map)) {
      yield $('printk("hm, page %08lx reserved twice.\\n", i*PAGE_SIZE);');
      k.printk(`hm, page ${(i * PAGE_SIZE).toString(16).padStart(8, '0')} reserved twice.`);
    }
  }
}

/** free_bootmem_core: partially covered pages stay reserved (start rounds up, end down). */
// C: static void __init free_bootmem_core(bootmem_data_t *bdata, unsigned long addr, unsigned long size)
export function* free_bootmem_core(k: Kernel, addr: number, size: number): Kgen<void> {
  const bdata = k.bdata;
  let i = 0, start = 0, sidx = 0, eidx = 0, end = 0;
  yield frame(() => ({ bdata, addr, size, i, start, sidx, eidx, end }));
  yield $('unsigned long eidx = (addr + size - bdata->node_boot_start)/PAGE_SIZE;');
  eidx = Math.floor((addr + size - bdata.node_boot_start) / PAGE_SIZE);
  yield $('unsigned long end = (addr + size)/PAGE_SIZE;');
  end = Math.floor((addr + size) / PAGE_SIZE);
  yield $('if (!size) BUG();');
  if (!size) throw new KernelBug(FILE, 'free_bootmem_core', 'size is 0');
  yield $('if (end > bdata->node_low_pfn)');
  if (end > bdata.node_low_pfn) {
    yield $('BUG();');
    throw new KernelBug(FILE, 'free_bootmem_core', `range ends at page 0x${end.toString(16)}, past node_low_pfn`);
  }
  yield $('start = (addr + PAGE_SIZE-1) / PAGE_SIZE;');
  start = Math.floor((addr + PAGE_SIZE - 1) / PAGE_SIZE);
  yield $('sidx = start - (bdata->node_boot_start/PAGE_SIZE);');
  sidx = start - Math.floor(bdata.node_boot_start / PAGE_SIZE);
  for (i = sidx; (yield $('for (i = sidx; i < eidx; i++)')), i < eidx; i++) {
    yield $('if (!test_and_clear_bit(i, bdata->node_bootmem_map))');
    if (!test_and_clear_bit(i, k.bootmem_map)) {
      yield $('BUG();', 2);
      throw new KernelBug(FILE, 'free_bootmem_core', `page 0x${i.toString(16)} freed twice (overlapping RAM ranges)`);
    }
  }
}

// C: void __init reserve_bootmem (unsigned long addr, unsigned long size)
export function* reserve_bootmem(k: Kernel, addr: number, size: number): Kgen<void> {
  yield frame(() => ({ addr, size }));
  yield $('reserve_bootmem_core(contig_page_data.bdata, addr, size);');
  yield call(reserve_bootmem_core, k, addr, size);
}

// C: void __init free_bootmem (unsigned long addr, unsigned long size)
export function* free_bootmem(k: Kernel, addr: number, size: number): Kgen<void> {
  yield frame(() => ({ addr, size }));
  yield $('return(free_bootmem_core(contig_page_data.bdata, addr, size));');
  yield call(free_bootmem_core, k, addr, size);
}

/**
 * __alloc_bootmem_core: first fit from `goal`, then from 0; a small allocation continues in
 * the tail of the previous one when it starts on the page right after it. 2.4.0 cannot fail
 * here: a failed scan leaves start = 0 and reserving page 0 again is a BUG().
 *
 * The model tests a candidate's pages in one bulk scan of the bitmap, and on a set bit moves
 * the candidate past it: every candidate it skips the kernel would also reject (its window
 * holds that set bit), so the page found is the kernel's, in O(pages) instead of O(pages^2).
 */
// C: static void * __init __alloc_bootmem_core (bootmem_data_t *bdata, unsigned long size, unsigned long align, unsigned long goal)
export function* __alloc_bootmem_core(k: Kernel, size: number, align: number, goal: number): Kgen<number> {
  const bdata = k.bdata;
  const map = k.bootmem_map;
  let i = 0, start = 0, ret = 0, offset = 0, remaining_size = 0;
  let areasize = 0, preferred = 0, incr = 0, eidx = 0, j = -1;
  yield frame(() => ({ bdata, size, align, goal, i, start, ret, offset, remaining_size, areasize, preferred, incr, eidx }));
  yield $('unsigned long i, start = 0;');
  yield $('unsigned long eidx = bdata->node_low_pfn - (bdata->node_boot_start >> PAGE_SHIFT);');
  eidx = bdata.node_low_pfn - Math.floor(bdata.node_boot_start / PAGE_SIZE);
  yield $('if (!size) BUG();');
  if (!size) throw new KernelBug(FILE, '__alloc_bootmem_core', 'size is 0');
  yield $('if (goal && (goal >= bdata->node_boot_start) && ((goal >> PAGE_SHIFT) < bdata->node_low_pfn))');
  if (goal && goal >= bdata.node_boot_start && Math.floor(goal / PAGE_SIZE) < bdata.node_low_pfn) {
    yield $('preferred = goal - bdata->node_boot_start;');
    preferred = goal - bdata.node_boot_start;
  } else {
    yield $('preferred = 0;');
    preferred = 0;
  }
  yield $('preferred = ((preferred + align - 1) & ~(align - 1)) >> PAGE_SHIFT;');
  preferred = Math.floor(alignUp(preferred, align) / PAGE_SIZE);
  yield $('areasize = (size+PAGE_SIZE-1)/PAGE_SIZE;');
  areasize = Math.floor((size + PAGE_SIZE - 1) / PAGE_SIZE);
  yield $('incr = align >> PAGE_SHIFT ? : 1;');
  incr = Math.floor(align / PAGE_SIZE) || 1;
  let found = false;
  for (;;) { // (model) restart_scan:
    yield $('restart_scan:');
    for (i = preferred; (yield $('for (i = preferred; i < eidx; i += incr)')), i < eidx; i += incr) {
      yield $('if (test_bit(i, bdata->node_bootmem_map))');
      if (test_bit(i, map)) {
        yield $('continue;');
        continue;
      }
      yield $('for (j = i + 1; j < i + areasize; ++j)');
      j = find_next_set_bit(map, i + 1, Math.min(i + areasize, eidx));
      if (j >= 0 || i + areasize > eidx) {
        // The page that fails the window: past the end, or reserved.
        yield $('if (j >= eidx)');
        if (j < 0) {
          yield $('goto fail_block;');
        } else {
          yield $('if (test_bit (j, bdata->node_bootmem_map))');
          yield $('goto fail_block;', 2);
        }
        yield $('fail_block:;');
      }
      if (j < 0 && i + areasize <= eidx) {
        yield $('start = i;');
        start = i;
        yield $('goto found;');
        found = true;
        break;
      }
      // fail_block: candidates up to the blocking page fail for the same reason.
      if (j < 0) i = eidx;
      else while (i + incr <= j) i += incr;
    }
    if (found) break;
    yield $('if (preferred)');
    if (preferred) {
      yield $('preferred = 0;', 2);
      preferred = 0;
      yield $('goto restart_scan;');
      continue;
    }
    break;
  }
  yield $('found:');
  yield $('if (start >= eidx)');
  if (start >= eidx) {
    yield $('BUG();');
    throw new KernelBug(FILE, '__alloc_bootmem_core', `no ${size}-byte area: start ${start} >= eidx ${eidx}`);
  }
  yield $('if (align <= PAGE_SIZE && bdata->last_offset && bdata->last_pos+1 == start)');
  if (align <= PAGE_SIZE && bdata.last_offset && bdata.last_pos + 1 === start) {
    yield $('offset = (bdata->last_offset+align-1) & ~(align-1);');
    offset = alignUp(bdata.last_offset, align);
    yield $('if (offset > PAGE_SIZE)');
    if (offset > PAGE_SIZE) {
      yield $('BUG();', 2);
      throw new KernelBug(FILE, '__alloc_bootmem_core', 'offset past the page');
    }
    yield $('remaining_size = PAGE_SIZE-offset;');
    remaining_size = PAGE_SIZE - offset;
    yield $('if (size < remaining_size)');
    if (size < remaining_size) {
      yield $('areasize = 0;');
      areasize = 0;
      yield $('bdata->last_offset = offset+size;');
      bdata.last_offset = offset + size;
      yield $('ret = phys_to_virt(bdata->last_pos*PAGE_SIZE + offset + bdata->node_boot_start);');
      ret = __va(bdata.last_pos * PAGE_SIZE + offset + bdata.node_boot_start);
    } else {
      yield $('remaining_size = size - remaining_size;');
      remaining_size = size - remaining_size;
      yield $('areasize = (remaining_size+PAGE_SIZE-1)/PAGE_SIZE;');
      areasize = Math.floor((remaining_size + PAGE_SIZE - 1) / PAGE_SIZE);
      yield $('ret = phys_to_virt(bdata->last_pos*PAGE_SIZE + offset + bdata->node_boot_start);', 2);
      ret = __va(bdata.last_pos * PAGE_SIZE + offset + bdata.node_boot_start);
      yield $('bdata->last_pos = start+areasize-1;');
      bdata.last_pos = start + areasize - 1;
      yield $('bdata->last_offset = remaining_size;');
      bdata.last_offset = remaining_size;
    }
    yield $('bdata->last_offset &= ~PAGE_MASK;');
    bdata.last_offset &= PAGE_MASK_LOW;
  } else {
    yield $('bdata->last_pos = start + areasize - 1;');
    bdata.last_pos = start + areasize - 1;
    yield $('bdata->last_offset = size & ~PAGE_MASK;');
    bdata.last_offset = size & PAGE_MASK_LOW;
    yield $('ret = phys_to_virt(start * PAGE_SIZE + bdata->node_boot_start);');
    ret = __va(start * PAGE_SIZE + bdata.node_boot_start);
  }
  for (i = start; (yield $('for (i = start; i < start+areasize; i++)')), i < start + areasize; i++) {
    yield $('if (test_and_set_bit(i, bdata->node_bootmem_map))');
    if (test_and_set_bit(i, map)) {
      yield $('BUG();', 3);
      throw new KernelBug(FILE, '__alloc_bootmem_core', `page 0x${i.toString(16)} is already reserved (the scan found no room: start = 0)`);
    }
  }
  yield $('memset(ret, 0, size);');
  k.bootmemAllocs.push({ addr: __pa(ret), size, align, goal, by: k.bootmemCaller });
  yield $('return ret;');
  return ret;
}

function alignUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}

/** __alloc_bootmem / __alloc_bootmem_node: one node, and 2.4.0's core never returns NULL. */
// C: void * __init __alloc_bootmem (unsigned long size, unsigned long align, unsigned long goal)
export function* __alloc_bootmem(k: Kernel, size: number, align: number, goal: number): Kgen<number> {
  let ptr = 0;
  yield frame(() => ({ size, align, goal, ptr }));
  yield $('pg_data_t *pgdat = pgdat_list;');
  yield $('while (pgdat)');
  yield $('if ((ptr = __alloc_bootmem_core(pgdat->bdata, size, align, goal)))');
  ptr = yield call(__alloc_bootmem_core, k, size, align, goal);
  if (!ptr) {
    // Never taken: __alloc_bootmem_core BUG()s rather than return NULL.
    yield $('pgdat = pgdat->node_next;');
    yield $('BUG();');
    yield $('return NULL;');
  }
  yield $('return(ptr);');
  return ptr;
}

/** free_all_bootmem_core: every clear bit's page to the buddy allocator, then the bitmap's. */
// C: static unsigned long __init free_all_bootmem_core(pg_data_t *pgdat)
export function* free_all_bootmem_core(k: Kernel): Kgen<number> {
  const bdata = k.bdata;
  let page = 0, i = 0, count = 0, total = 0, idx = 0, mappages = 0;
  yield frame(() => ({ page, bdata, i, count, total, idx }));
  yield $('struct page *page = pgdat->node_mem_map;');
  yield $('bootmem_data_t *bdata = pgdat->bdata;');
  yield $('unsigned long i, count, total = 0;');
  page = 0;
  yield $('if (!bdata->node_bootmem_map) BUG();');
  if (!bdata.node_bootmem_map) throw new KernelBug(FILE, 'free_all_bootmem_core', 'no bootmem bitmap');
  yield $('count = 0;');
  count = 0;
  yield $('idx = bdata->node_low_pfn - (bdata->node_boot_start >> PAGE_SHIFT);');
  idx = bdata.node_low_pfn - Math.floor(bdata.node_boot_start / PAGE_SIZE);
  for (i = 0; (yield $('for (i = 0; i < idx; i++, page++)')), i < idx; i++, page++) {
    yield $('if (!test_bit(i, bdata->node_bootmem_map))');
    if (!test_bit(i, k.bootmem_map)) {
      yield $('count++;');
      count++;
      yield $('ClearPageReserved(page);');
      k.page_flags[page] &= ~(1 << PG_reserved);
      yield $('set_page_count(page, 1);');
      k.page_count[page] = 1;
      yield $('__free_page(page);');
      yield call(__free_page, k, page);
    }
  }
  yield $('total += count;');
  total += count;
  yield $('page = virt_to_page(bdata->node_bootmem_map);');
  page = Math.floor(__pa(bdata.node_bootmem_map) / PAGE_SIZE);
  yield $('count = 0;', 2);
  count = 0;
  mappages = Math.floor((Math.floor((bdata.node_low_pfn - (bdata.node_boot_start >> PAGE_SHIFT)) / 8) + PAGE_SIZE - 1) / PAGE_SIZE);
  for (i = 0; (yield $('for (i = 0; i < ((bdata->node_low_pfn-(bdata->node_boot_start >> PAGE_SHIFT))/8 + PAGE_SIZE-1)/PAGE_SIZE; i++,page++)')), i < mappages; i++, page++) {
    yield $('count++;', 2);
    count++;
    yield $('ClearPageReserved(page);', 2);
    k.page_flags[page] &= ~(1 << PG_reserved);
    yield $('set_page_count(page, 1);', 2);
    k.page_count[page] = 1;
    yield $('__free_page(page);', 2);
    yield call(__free_page, k, page);
  }
  yield $('total += count;', 2);
  total += count;
  yield $('bdata->node_bootmem_map = NULL;');
  bdata.node_bootmem_map = 0;
  yield $('return total;');
  return total;
}

// C: unsigned long __init free_all_bootmem (void)
export function* free_all_bootmem(k: Kernel): Kgen<number> {
  yield frame(() => ({}));
  yield $('return(free_all_bootmem_core(&contig_page_data));');
  return yield call(free_all_bootmem_core, k);
}
