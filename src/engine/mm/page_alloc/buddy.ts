// mm/page_alloc.c, the buddy core: __free_pages_ok merges buddies while the pair bit (toggled
// before it is tested) reads 0; rmqueue takes the most recently added block of the smallest
// order that has one, and expand splits it, keeping the upper half.

import { $, call, frame, type Kgen } from '../../exec/gen';
import { KernelBug } from '../../errors';
import { change_bit, test_and_change_bit } from '../../include/bitops';
import { list_add, list_del } from '../../include/list';
import { PG_dirty, PG_referenced, PG_reserved } from '../../include/mm';
import { MAX_ORDER } from '../../include/mmzone';
import type { Kernel, Zone } from '../../state';

const FILE = 'mm/page_alloc.c';

/** BAD_RANGE(zone, x): x is not a page of this zone. */
export function BAD_RANGE(k: Kernel, zone: Zone, page: number): boolean {
  return k.page_zone[page] !== zone.index || page < zone.offset || page >= zone.offset + zone.size;
}

function badRange(func: string, what: string, page: number): KernelBug {
  return new KernelBug(FILE, func, `BAD_RANGE(zone, ${what}): page ${page} is not in the zone`);
}

// C: static void __free_pages_ok (struct page *page, unsigned long order)
export function* __free_pages_ok(k: Kernel, page: number, order: number): Kgen<void> {
  let index = 0, page_idx = 0, mask = 0, area = 0, base = 0, buddy1 = 0, buddy2 = 0;
  let zone: Zone = k.zones[0];
  yield frame(() => ({ page, order, index, page_idx, mask, area, base, zone, buddy1, buddy2 }));
  yield $('if (page->buffers) BUG();');
  yield $('if (page->mapping) BUG();');
  yield $('if (!VALID_PAGE(page)) BUG();');
  if (page < 0 || page >= k.max_mapnr) throw new KernelBug(FILE, '__free_pages_ok', `page ${page} is not VALID_PAGE`);
  yield $('if (PageSwapCache(page)) BUG();');
  yield $('if (PageLocked(page)) BUG();');
  yield $('if (PageDecrAfter(page)) BUG();');
  yield $('if (PageActive(page)) BUG();');
  yield $('if (PageInactiveDirty(page)) BUG();');
  yield $('if (PageInactiveClean(page)) BUG();');
  yield $('page->flags &= ~((1<<PG_referenced) | (1<<PG_dirty));');
  k.page_flags[page] &= ~((1 << PG_referenced) | (1 << PG_dirty));
  k.alloc_order[page] = -1;
  yield $('page->age = PAGE_AGE_START;');
  yield $('zone = page->zone;');
  zone = k.zones[k.page_zone[page]];
  yield $('mask = (~0UL) << order;');
  mask = -1 << order;
  yield $('base = mem_map + zone->offset;');
  base = zone.offset;
  yield $('page_idx = page - base;');
  page_idx = page - base;
  yield $('if (page_idx & ~mask) BUG();');
  if (page_idx & ~mask) throw new KernelBug(FILE, '__free_pages_ok', `page ${page} is not aligned to order ${order}`);
  yield $('index = page_idx >> (1 + order);');
  index = page_idx >>> (1 + order);
  yield $('area = zone->free_area + order;');
  area = order;
  yield $('spin_lock_irqsave(&zone->lock, flags);');
  yield $('zone->free_pages -= mask;');
  zone.free_pages -= mask;
  while ((yield $('while (mask + (1 << (MAX_ORDER-1)))')), mask + (1 << (MAX_ORDER - 1))) {
    yield $('if (area >= zone->free_area + MAX_ORDER) BUG();');
    yield $('if (!test_and_change_bit(index, area->map))');
    if (!test_and_change_bit(index, zone.free_area[area].map)) {
      yield $('break;');
      break;
    }
    yield $('buddy1 = base + (page_idx ^ -mask);');
    buddy1 = base + (page_idx ^ -mask);
    yield $('buddy2 = base + page_idx;');
    buddy2 = base + page_idx;
    yield $('if (BAD_RANGE(zone,buddy1)) BUG();');
    if (BAD_RANGE(k, zone, buddy1)) throw badRange('__free_pages_ok', 'buddy1', buddy1);
    yield $('if (BAD_RANGE(zone,buddy2)) BUG();');
    if (BAD_RANGE(k, zone, buddy2)) throw badRange('__free_pages_ok', 'buddy2', buddy2);
    yield $('memlist_del(&buddy1->list);');
    list_del(k, buddy1);
    k.free_order[buddy1] = -1;
    yield $('mask <<= 1;');
    mask <<= 1;
    yield $('area++;');
    area++;
    yield $('index >>= 1;');
    index >>>= 1;
    yield $('page_idx &= mask;');
    page_idx &= mask;
  }
  yield $('memlist_add_head(&(base + page_idx)->list, &area->free_list);');
  list_add(k, base + page_idx, zone.free_area[area].head);
  k.free_order[base + page_idx] = area;
  yield $('spin_unlock_irqrestore(&zone->lock, flags);');
  yield $('if (memory_pressure > NR_CPUS)');
  if (k.memory_pressure > 1) {
    yield $('memory_pressure--;');
    k.memory_pressure--;
  }
}

/** expand: split a block of order `high` down to `low`, lower halves to the smaller lists. */
// C: static inline struct page * expand (zone_t *zone, struct page *page, unsigned long index, int low, int high, free_area_t * area)
export function* expand(k: Kernel, zone: Zone, page: number, index: number, low: number, high: number, area: number): Kgen<number> {
  let size = 0;
  yield frame(() => ({ zone, page, index, low, high, area, size }));
  yield $('unsigned long size = 1 << high;');
  size = 1 << high;
  while ((yield $('while (high > low)')), high > low) {
    yield $('if (BAD_RANGE(zone,page)) BUG();');
    if (BAD_RANGE(k, zone, page)) throw badRange('expand', 'page', page);
    yield $('area--;');
    area--;
    yield $('high--;');
    high--;
    yield $('size >>= 1;');
    size >>= 1;
    yield $('memlist_add_head(&(page)->list, &(area)->free_list);');
    list_add(k, page, zone.free_area[area].head);
    k.free_order[page] = area;
    yield $('MARK_USED(index, high, area);');
    change_bit(index >>> (1 + high), zone.free_area[area].map);
    yield $('index += size;');
    index += size;
    yield $('page += size;');
    page += size;
  }
  yield $('if (BAD_RANGE(zone,page)) BUG();', 2);
  if (BAD_RANGE(k, zone, page)) throw badRange('expand', 'page', page);
  yield $('return page;');
  return page;
}

/** rmqueue: the head of the first non-empty free list of order >= `order`, or -1 (NULL). */
// C: static struct page * rmqueue(zone_t *zone, unsigned long order)
export function* rmqueue(k: Kernel, zone: Zone, order: number): Kgen<number> {
  let area = 0, curr_order = 0, head = 0, curr = 0, page = -1, index = 0;
  yield frame(() => ({ zone, order, area, curr_order, head, curr, page, index }));
  yield $('free_area_t * area = zone->free_area + order;');
  area = order;
  yield $('unsigned long curr_order = order;');
  curr_order = order;
  yield $('spin_lock_irqsave(&zone->lock, flags);');
  do {
    yield $('head = &area->free_list;');
    head = zone.free_area[area].head;
    yield $('curr = memlist_next(head);');
    curr = k.next[head];
    yield $('if (curr != head)');
    if (curr !== head) {
      yield $('page = memlist_entry(curr, struct page, list);');
      page = curr;
      yield $('if (BAD_RANGE(zone,page)) BUG();');
      if (BAD_RANGE(k, zone, page)) throw badRange('rmqueue', 'page', page);
      yield $('memlist_del(curr);');
      list_del(k, curr);
      k.free_order[curr] = -1;
      yield $('index = (page - mem_map) - zone->offset;');
      index = page - zone.offset;
      yield $('MARK_USED(index, curr_order, area);');
      change_bit(index >>> (1 + curr_order), zone.free_area[area].map);
      yield $('zone->free_pages -= 1 << order;');
      zone.free_pages -= 1 << order;
      yield $('page = expand(zone, page, index, order, curr_order, area);');
      page = yield call(expand, k, zone, page, index, order, curr_order, area);
      yield $('spin_unlock_irqrestore(&zone->lock, flags);');
      yield $('set_page_count(page, 1);');
      k.page_count[page] = 1;
      yield $('if (BAD_RANGE(zone,page)) BUG();', 2);
      if (BAD_RANGE(k, zone, page)) throw badRange('rmqueue', 'page', page);
      yield $('return page;');
      return page;
    }
    yield $('curr_order++;');
    curr_order++;
    yield $('area++;');
    area++;
  } while ((yield $('while (curr_order < MAX_ORDER);')), curr_order < MAX_ORDER);
  yield $('spin_unlock_irqrestore(&zone->lock, flags);', 2);
  yield $('return NULL;');
  return -1;
}

// C: void __free_pages(struct page *page, unsigned long order)
export function* __free_pages(k: Kernel, page: number, order: number): Kgen<void> {
  yield frame(() => ({ page, order }));
  yield $('if (!PageReserved(page) && put_page_testzero(page))');
  if ((k.page_flags[page] & (1 << PG_reserved)) === 0 && --k.page_count[page] === 0) {
    yield $('__free_pages_ok(page, order);');
    yield call(__free_pages_ok, k, page, order);
  }
}

/** __free_page(page): __free_pages(page, 0). */
// C: #define __free_page(page) __free_pages((page), 0)
export function* __free_page(k: Kernel, page: number): Kgen<void> {
  yield frame(() => ({ page }));
  yield $('__free_pages((page), 0);');
  yield call(__free_pages, k, page, 0);
}

/** free_pages(addr, order): by kernel virtual address. */
// C: void free_pages(unsigned long addr, unsigned long order)
export function* free_pages(k: Kernel, addr: number, order: number): Kgen<void> {
  let fpage = 0;
  yield frame(() => ({ addr, order, fpage }));
  yield $('fpage = virt_to_page(addr);');
  fpage = Math.floor((addr - 0xc0000000) / 4096);
  yield $('if (VALID_PAGE(fpage))');
  if (fpage >= 0 && fpage < k.max_mapnr) {
    yield $('__free_pages(fpage, order);');
    yield call(__free_pages, k, fpage, order);
  }
}

/** nr_free_pages: the sum of every zone's free_pages. */
// C: unsigned int nr_free_pages (void)
export function* nr_free_pages(k: Kernel): Kgen<number> {
  let sum = 0, zone = 0;
  yield frame(() => ({ sum, zone }));
  yield $('pg_data_t *pgdat = pgdat_list;');
  yield $('sum = 0;');
  sum = 0;
  yield $('while (pgdat)');
  for (zone = 0; (yield $('for (zone = pgdat->node_zones; zone < pgdat->node_zones + MAX_NR_ZONES; zone++)')), zone < 3; zone++) {
    yield $('sum += zone->free_pages;');
    sum += k.zones[zone].free_pages;
  }
  yield $('pgdat = pgdat->node_next;');
  yield $('return sum;');
  return sum;
}

export { MAX_ORDER };
