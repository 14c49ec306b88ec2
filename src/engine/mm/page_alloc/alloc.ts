// mm/page_alloc.c, the allocation side: __alloc_pages walks a zonelist through its passes
// (pages_low, then HIGH/LOW/MIN limits, then the last-resort pages_min/4 pass), and
// alloc_pages/__get_free_pages are the entry points.
//
// The model has no page cache and no swap: inactive_clean_pages is 0, reclaim_page finds
// nothing, page_launder and try_to_free_pages free nothing. Where 2.4.0 would `goto
// try_again` for ever (an order-0 request that may wait), the model fails instead and logs
// why. kswapd is not run; each wake-up is counted in `kswapd_wakeups`.

import { $, call, frame, type Kgen } from '../../exec/gen';
import { KernelBug } from '../../errors';
import { MAX_ORDER } from '../../include/mmzone';
import { PAGE_SIZE, __va } from '../../include/page';
import type { Kernel, Zone } from '../../state';
import { rmqueue } from './buddy';

const FILE = 'mm/page_alloc.c';
const PAGES_MIN = 0;
const PAGES_LOW = 1;
const PAGES_HIGH = 2;
const __GFP_WAIT = 0x01;
/** The model has no page cache: no dirty pages, no kreclaimd waiting. */
const NR_INACTIVE_DIRTY_PAGES = 0;
const KRECLAIMD_WAITING = false;
const __GFP_IO = 0x04;

/** The zones of node_zonelists[gfp_mask], NULL-terminated. */
function zoneAt(k: Kernel, zonelist: number, n: number): Zone | null {
  const z = n < 4 ? k.zonelists[zonelist * 4 + n] : -1;
  return z < 0 ? null : k.zones[z];
}

// C: static struct page * __alloc_pages_limit(zonelist_t *zonelist, unsigned long order, int limit, int direct_reclaim)
export function* __alloc_pages_limit(k: Kernel, zonelist: number, order: number, limit: number, direct_reclaim: number): Kgen<number> {
  let zone = 0, water_mark = 0, page = -1;
  let z: Zone | null = null;
  yield frame(() => ({ zonelist, order, limit, direct_reclaim, zone, z, water_mark, page }));
  yield $('zone_t **zone = zonelist->zones;');
  zone = 0;
  for (; (yield $('for (;;)')), true; ) {
    yield $('zone_t *z = *(zone++);');
    z = zoneAt(k, zonelist, zone++);
    yield $('if (!z)');
    if (!z) {
      yield $('break;');
      break;
    }
    yield $('if (!z->size) BUG();');
    if (!z.size) throw new KernelBug(FILE, '__alloc_pages_limit', 'an empty zone on a zonelist');
    yield $('switch (limit)');
    if (limit === PAGES_LOW) {
      yield $('water_mark = z->pages_low;');
      water_mark = z.pages_low;
    } else if (limit === PAGES_HIGH) {
      yield $('water_mark = z->pages_high;');
      water_mark = z.pages_high;
    } else {
      yield $('water_mark = z->pages_min;');
      water_mark = z.pages_min;
    }
    yield $('if (z->free_pages + z->inactive_clean_pages > water_mark)');
    if (z.free_pages + z.inactive_clean_pages > water_mark) {
      yield $('struct page *page = NULL;');
      page = -1;
      yield $('if (direct_reclaim && z->free_pages < z->pages_min + 8)');
      if (direct_reclaim && z.free_pages < z.pages_min + 8) {
        yield $('page = reclaim_page(z);');
      }
      yield $('if (!page)');
      yield $('page = rmqueue(z, order);');
      page = yield call(rmqueue, k, z, order);
      yield $('if (page)');
      if (page >= 0) {
        yield $('return page;');
        return page;
      }
    }
  }
  yield $('return NULL;');
  return -1;
}

/** inactive_shortage() && free_shortage() with no page cache: free pages below freepages.high. */
function shortage(k: Kernel): boolean {
  let free = 0;
  for (const z of k.zones) free += z.free_pages;
  return free < k.freepages.high;
}

// C: struct page * __alloc_pages(zonelist_t *zonelist, unsigned long order)
export function* __alloc_pages(k: Kernel, zonelist: number, order: number): Kgen<number> {
  let zone = 0, direct_reclaim = 0, gfp_mask = 0, page = -1;
  let z: Zone | null = null;
  yield frame(() => ({ zonelist, order, zone, z, direct_reclaim, gfp_mask, page }));
  yield $('int direct_reclaim = 0;');
  yield $('unsigned int gfp_mask = zonelist->gfp_mask;');
  gfp_mask = zonelist;
  yield $('memory_pressure++;');
  k.memory_pressure++;
  yield $('if (order == 0 && (gfp_mask & __GFP_WAIT) && !(current->flags & PF_MEMALLOC))');
  if (order === 0 && gfp_mask & __GFP_WAIT) {
    yield $('direct_reclaim = 1;');
    direct_reclaim = 1;
  }
  yield $('if (inactive_shortage() > inactive_target / 2 && free_shortage())');
  if (shortage(k)) {
    yield $('wakeup_kswapd(0);');
    k.kswapd_wakeups++;
  } else {
    // No dirty pages in the model: bdflush is never woken.
    yield $('if (free_shortage() && nr_inactive_dirty_pages > free_shortage() && nr_inactive_dirty_pages >= freepages.high)');
    if (NR_INACTIVE_DIRTY_PAGES) {
      yield $('wakeup_bdflush(0);');
    }
  }
  for (;;) { // (model) try_again:
    yield $('try_again:');
    yield $('zone = zonelist->zones;');
    zone = 0;
    for (; (yield $('for (;;)')), true; ) {
      yield $('zone_t *z = *(zone++);');
      z = zoneAt(k, zonelist, zone++);
      yield $('if (!z)');
      if (!z) {
        yield $('break;');
        break;
      }
      yield $('if (!z->size) BUG();');
      if (!z.size) throw new KernelBug(FILE, '__alloc_pages', 'an empty zone on a zonelist');
      yield $('if (z->free_pages >= z->pages_low)');
      if (z.free_pages >= z.pages_low) {
        yield $('page = rmqueue(z, order);');
        page = yield call(rmqueue, k, z, order);
        yield $('if (page)');
        if (page >= 0) {
          yield $('return page;');
          return page;
        }
      } else {
        yield $('if (z->free_pages < z->pages_min && waitqueue_active(&kreclaimd_wait))');
        // No kreclaimd sleeps in the model.
        if (KRECLAIMD_WAITING) {
          yield $('wake_up_interruptible(&kreclaimd_wait);');
        }
      }
    }
    yield $('page = __alloc_pages_limit(zonelist, order, PAGES_HIGH, direct_reclaim);');
    page = yield call(__alloc_pages_limit, k, zonelist, order, PAGES_HIGH, direct_reclaim);
    yield $('if (page)', 2);
    if (page >= 0) {
      yield $('return page;', 2);
      return page;
    }
    yield $('page = __alloc_pages_limit(zonelist, order, PAGES_LOW, direct_reclaim);');
    page = yield call(__alloc_pages_limit, k, zonelist, order, PAGES_LOW, direct_reclaim);
    yield $('if (page)', 3);
    if (page >= 0) {
      yield $('return page;', 3);
      return page;
    }
    yield $('wakeup_kswapd(0);', 2);
    k.kswapd_wakeups++;
    yield $('if (gfp_mask & __GFP_WAIT)');
    if (gfp_mask & __GFP_WAIT) {
      yield $('__set_current_state(TASK_RUNNING);');
      yield $('current->policy |= SCHED_YIELD;');
      yield $('schedule();');
    }
    yield $('page = __alloc_pages_limit(zonelist, order, PAGES_MIN, direct_reclaim);');
    page = yield call(__alloc_pages_limit, k, zonelist, order, PAGES_MIN, direct_reclaim);
    yield $('if (page)', 4);
    if (page >= 0) {
      yield $('return page;', 4);
      return page;
    }
    yield $('if (!(current->flags & PF_MEMALLOC))');
    yield $('if (order > 0 && (gfp_mask & __GFP_WAIT))');
    if (order > 0 && gfp_mask & __GFP_WAIT) {
      // page_launder frees nothing and no zone has inactive_clean pages to reclaim.
      yield $('zone = zonelist->zones;', 2);
      yield $('current->flags |= PF_MEMALLOC;');
      yield $('page_launder(gfp_mask, 1);');
      yield $('current->flags &= ~PF_MEMALLOC;');
      zone = 0;
      for (; (yield $('for (;;)', 2)), true; ) {
        yield $('zone_t *z = *(zone++);', 2);
        z = zoneAt(k, zonelist, zone++);
        yield $('if (!z)', 2);
        if (!z) {
          yield $('break;', 2);
          break;
        }
        yield $('if (!z->size)');
        if (!z.size) {
          yield $('continue;');
          continue;
        }
        while ((yield $('while (z->inactive_clean_pages)')), z.inactive_clean_pages) {
          // Never taken: the model's zones hold no inactive_clean pages.
          yield $('page = reclaim_page(z);');
          yield $('if (!page)');
          yield $('break;', 3);
          yield $('__free_page(page);');
          yield $('page = rmqueue(z, order);', 2);
          yield $('if (page)', 5);
          yield $('return page;', 5);
          break;
        }
      }
    }
    yield $('if ((gfp_mask & (__GFP_WAIT|__GFP_IO)) == (__GFP_WAIT|__GFP_IO))');
    if ((gfp_mask & (__GFP_WAIT | __GFP_IO)) === (__GFP_WAIT | __GFP_IO)) {
      yield $('wakeup_kswapd(1);');
      k.kswapd_wakeups++;
      yield $('memory_pressure++;', 2);
      k.memory_pressure++;
      yield $('if (!order)');
      if (!order) {
        yield $('goto try_again;');
        return retryForever(k, order);
      }
    } else {
      yield $('if (gfp_mask & __GFP_WAIT)', 2);
      if (gfp_mask & __GFP_WAIT) {
        yield $('try_to_free_pages(gfp_mask);');
        yield $('memory_pressure++;', 3);
        k.memory_pressure++;
        yield $('if (!order)', 2);
        if (!order) {
          yield $('goto try_again;', 2);
          return retryForever(k, order);
        }
      }
    }
    break;
  }
  // Final phase: any zone above pages_min / 4.
  yield $('zone = zonelist->zones;', 3);
  zone = 0;
  for (; (yield $('for (;;)', 3)), true; ) {
    yield $('zone_t *z = *(zone++);', 3);
    z = zoneAt(k, zonelist, zone++);
    yield $('if (!z)', 3);
    if (!z) {
      yield $('break;', 4);
      break;
    }
    yield $('if (!z->size) BUG();', 2);
    if (!z.size) throw new KernelBug(FILE, '__alloc_pages', 'an empty zone on a zonelist');
    yield $('if (direct_reclaim)');
    if (direct_reclaim) {
      yield $('page = reclaim_page(z);', 2);
    }
    yield $('if (z->free_pages < z->pages_min / 4 && !(current->flags & PF_MEMALLOC))');
    if (z.free_pages < Math.floor(z.pages_min / 4)) {
      yield $('continue;', 2);
      continue;
    }
    yield $('page = rmqueue(z, order);', 3);
    page = yield call(rmqueue, k, z, order);
    yield $('if (page)', 6);
    if (page >= 0) {
      yield $('return page;', 6);
      return page;
    }
  }
  yield $('printk(KERN_ERR "__alloc_pages: %lu-order allocation failed.\\n", order);');
  k.printk(`__alloc_pages: ${order}-order allocation failed.`);
  yield $('return NULL;');
  return -1;
}

/** `goto try_again` with nothing that could ever free a page: the model fails here. */
function retryForever(k: Kernel, order: number): number {
  k.printk(`mm24: __alloc_pages: ${order}-order allocation would retry for ever (goto try_again); the model has no page cache or swap for kswapd to free, so it returns NULL.`);
  return -1;
}

/** alloc_pages (mm.h): NULL for order >= MAX_ORDER, else the zonelist of gfp_mask. */
// C: static inline struct page * alloc_pages(int gfp_mask, unsigned long order)
export function* alloc_pages(k: Kernel, gfp_mask: number, order: number): Kgen<number> {
  yield frame(() => ({ gfp_mask, order }));
  yield $('if (order >= MAX_ORDER)');
  if (order >= MAX_ORDER) {
    yield $('return NULL;');
    return -1;
  }
  yield $('return __alloc_pages(contig_page_data.node_zonelists+(gfp_mask), order);');
  const page: number = yield call(__alloc_pages, k, gfp_mask, order);
  if (page >= 0) k.alloc_order[page] = order;
  return page;
}

/** __get_free_pages: alloc_pages, answered as a kernel virtual address (0 on failure). */
// C: unsigned long __get_free_pages(int gfp_mask, unsigned long order)
export function* __get_free_pages(k: Kernel, gfp_mask: number, order: number): Kgen<number> {
  let page = -1;
  yield frame(() => ({ gfp_mask, order, page }));
  yield $('page = alloc_pages(gfp_mask, order);');
  page = yield call(alloc_pages, k, gfp_mask, order);
  yield $('if (!page)');
  if (page < 0) {
    yield $('return 0;');
    return 0;
  }
  yield $('return (unsigned long) page_address(page);');
  return pageAddress(k, page);
}

/** page_address: the page's `virtual` (0 for a HighMem page that is not kmapped). */
export function pageAddress(k: Kernel, page: number): number {
  return k.page_zone[page] === 2 ? 0 : __va(page * PAGE_SIZE);
}
