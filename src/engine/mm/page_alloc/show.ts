// mm/page_alloc.c, show_free_areas_core: the SysRq-M free-area report, line for line in
// 2.4.0's format (each zone's line is only its counts: 2.4.0 prints no zone name there).

import { $, call, frame, type Kgen } from '../../exec/gen';
import { MAX_NR_ZONES, MAX_ORDER } from '../../include/mmzone';
import type { Kernel, Zone } from '../../state';
import { nr_free_pages } from './buddy';

const pad6 = (n: number): string => String(n).padStart(6, ' ');

// C: void show_free_areas_core(pg_data_t *pgdat)
export function* show_free_areas_core(k: Kernel, out: string[]): Kgen<void> {
  let order = 0, type = 0, head = 0, curr = 0, nr = 0, total = 0;
  let zone: Zone = k.zones[0];
  yield frame(() => ({ order, type, zone, head, curr, nr, total }));
  yield $('printk("Free pages:      %6dkB (%6dkB HighMem)\\n", nr_free_pages() << (PAGE_SHIFT-10), nr_free_highpages() << (PAGE_SHIFT-10));');
  const free: number = yield call(nr_free_pages, k);
  out.push(`Free pages:      ${pad6(free * 4)}kB (${pad6(k.zones[2].free_pages * 4)}kB HighMem)`);
  yield $('printk("( Active: %d, inactive_dirty: %d, inactive_clean: %d, free: %d (%d %d %d) )\\n", nr_active_pages, nr_inactive_dirty_pages, nr_inactive_clean_pages(), nr_free_pages(), freepages.min, freepages.low, freepages.high);');
  out.push(`( Active: 0, inactive_dirty: 0, inactive_clean: 0, free: ${free} (${k.freepages.min} ${k.freepages.low} ${k.freepages.high}) )`);
  for (type = 0; (yield $('for (type = 0; type < MAX_NR_ZONES; type++)')), type < MAX_NR_ZONES; type++) {
    let line = '';
    yield $('zone_t *zone = pgdat->node_zones + type;');
    zone = k.zones[type];
    yield $('total = 0;');
    total = 0;
    yield $('if (zone->size)');
    if (zone.size) {
      yield $('spin_lock_irqsave(&zone->lock, flags);');
      for (order = 0; (yield $('for (order = 0; order < MAX_ORDER; order++)')), order < MAX_ORDER; order++) {
        yield $('head = &(zone->free_area + order)->free_list;');
        head = zone.free_area[order].head;
        yield $('curr = head;');
        curr = head;
        yield $('nr = 0;');
        nr = 0;
        for (; (yield $('for (;;)')), true; ) {
          yield $('curr = memlist_next(curr);');
          curr = k.next[curr];
          yield $('if (curr == head)');
          if (curr === head) {
            yield $('break;');
            break;
          }
          yield $('nr++;');
          nr++;
        }
        yield $('total += nr * (1 << order);');
        total += nr * (1 << order);
        yield $('printk("%lu*%lukB ", nr, (PAGE_SIZE>>10) << order);');
        line += `${nr}*${4 << order}kB `;
      }
      yield $('spin_unlock_irqrestore(&zone->lock, flags);');
    }
    yield $('printk("= %lukB)\\n", total * (PAGE_SIZE>>10));');
    out.push(`${line}= ${total * 4}kB)`);
  }
}
