// The buddy allocator after boot: splits and merges pinned with the bitmap bits before and
// after (mm/page_alloc.c: rmqueue, expand, MARK_USED, __free_pages_ok), the zonelist passes
// of __alloc_pages, and the refusal of bad requests with nothing changed.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { RequestError } from '../../src/engine/errors';
import { test_bit } from '../../src/engine/include/bitops';
import { checkInvariants } from '../../src/engine/inspect/check';
import { decodeGfp, parseGfp } from '../../src/engine/inspect/gfp';
import { freeList } from '../../src/engine/inspect/report';
import { presetMachine } from '../../src/engine/machine';
import { snapshot } from './snapshot';

const bit = (e: Engine, zone: number, order: number, nr: number) => (test_bit(nr, e.k.zones[zone].free_area[order].map) ? 1 : 0);

describe('rmqueue / expand / MARK_USED on pc-64m', () => {
  it('splits the most recent order-1 block: the lower half to free_area[0], the upper half returned', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const N = e.k.zones[1];
    // Normal's order-0 list is empty, order 1 holds 4354 (idx 258): bits before the request.
    expect(freeList(e.k, N, 0)).toEqual([]);
    expect(freeList(e.k, N, 1)).toEqual([4354]);
    expect([bit(e, 1, 1, 258 >> 2), bit(e, 1, 0, 258 >> 1)]).toEqual([1, 0]);
    const p = e.alloc('GFP_KERNEL', 0);
    expect(p).toBe(4355);
    expect(freeList(e.k, N, 0)).toEqual([4354]);
    expect(freeList(e.k, N, 1)).toEqual([]);
    // MARK_USED(index, 1) in rmqueue clears the order-1 pair bit; expand's MARK_USED(index, 0) sets the order-0 one.
    expect([bit(e, 1, 1, 258 >> 2), bit(e, 1, 0, 258 >> 1)]).toEqual([0, 1]);
    expect(N.free_pages).toBe(12030 - 1);
    expect(e.k.page_count[p!]).toBe(1);
  });

  it('merges back on free: the bit toggles to 0, the buddy is unlinked, the block goes to the head of order 1', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const N = e.k.zones[1];
    const p = e.alloc('GFP_KERNEL', 0)!;
    e.free(p, 0);
    expect(freeList(e.k, N, 0)).toEqual([]);
    expect(freeList(e.k, N, 1)).toEqual([4354]);
    expect([bit(e, 1, 1, 258 >> 2), bit(e, 1, 0, 258 >> 1)]).toEqual([1, 0]);
    expect(N.free_pages).toBe(12030);
  });

  it('takes a large order from the most recently added block and leaves the split halves on the smaller lists', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const N = e.k.zones[1];
    const head9 = freeList(e.k, N, 9)[0];
    expect(head9).toBe(15872); // the highest block: freed last by free_all_bootmem_core
    const before8 = freeList(e.k, N, 8);
    const p = e.alloc('GFP_KERNEL', 8)!;
    expect(p).toBe(before8.length ? before8[0] : head9 + 256);
  });

  it('never flips an order-9 bit back: rmqueue toggles it, __free_pages_ok stops below order 9', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const p = e.alloc('GFP_KERNEL', 9)!;
    const idx = p - e.k.zones[1].offset;
    const before = bit(e, 1, 9, idx >> 10);
    e.free(p, 9);
    expect(bit(e, 1, 9, idx >> 10)).toBe(before);
    expect(checkInvariants(e.k)).toEqual([]);
  });
});

describe('__alloc_pages zonelist passes', () => {
  it('falls back from HighMem to Normal to DMA, and GFP_DMA takes only DMA', () => {
    const e = Engine.boot(presetMachine('pc-2g-highmem'));
    const zoneOf = (p: number | null) => e.k.zones[e.k.page_zone[p!]].name;
    expect(zoneOf(e.alloc('GFP_HIGHUSER', 0))).toBe('HighMem');
    expect(zoneOf(e.alloc('GFP_KERNEL', 0))).toBe('Normal');
    expect(zoneOf(e.alloc('GFP_DMA', 0))).toBe('DMA');
    expect(zoneOf(e.alloc('GFP_DMA|GFP_HIGHUSER', 0))).toBe('DMA');
  });

  it('returns NULL for order >= MAX_ORDER before any pass, as alloc_pages does', () => {
    const e = Engine.boot(presetMachine('pc-16m'));
    const before = snapshot(e.k);
    expect(e.alloc('GFP_KERNEL', 10)).toBeNull();
    expect(snapshot(e.k)).toEqual(before);
  });

  it('drains past every watermark: atomic requests reach pages_min/4, waiting order-0 requests fail without the last pass', () => {
    const e = Engine.boot(presetMachine('pc-16m'));
    const z = e.k.zones[0];
    while (e.alloc('GFP_ATOMIC', 0) !== null);
    expect(z.free_pages).toBe(Math.floor(z.pages_min / 4) - 1);
    expect(e.k.log.at(-1)).toBe('__alloc_pages: 0-order allocation failed.');
    // GFP_KERNEL at order 0 would retry for ever in 2.4.0; the model says so and fails.
    expect(e.alloc('GFP_KERNEL', 0)).toBeNull();
    expect(e.k.log.at(-1)).toMatch(/would retry for ever/);
    expect(e.k.kswapd_wakeups).toBeGreaterThan(0);
    expect(checkInvariants(e.k)).toEqual([]);
  });
});

describe('bad requests are refused and change nothing', () => {
  const e = Engine.boot(presetMachine('pc-64m'));
  const held = e.alloc('GFP_KERNEL', 3)!;
  const cases: [string, () => unknown, RegExp][] = [
    ['an unknown gfp name', () => e.alloc('GFP_KERNAL', 0), /unknown gfp name "GFP_KERNAL"/],
    ['a gfp mask past 255', () => e.alloc(256, 0), /outside 0..255/],
    ['a negative order', () => e.alloc('GFP_KERNEL', -1), /not a whole number/],
    ['freeing with order >= MAX_ORDER', () => e.free(held, 10), /BUG\(\) in __free_pages_ok \(mm\/page_alloc\.c\)/],
    ['a pfn outside memory', () => e.free(1 << 20, 0), /outside mem_map.*BUG\(\)/],
    ['a reserved page', () => e.free(0, 0), /reserved.*silently ignore/],
    ['a free block', () => e.free(freeList(e.k, e.k.zones[1], 9)[0], 9), /is free/],
    ['a page inside a free block', () => e.free(freeList(e.k, e.k.zones[1], 9)[0] + 4, 0), /is free/],
    ['the wrong order', () => e.free(held, 2), /allocated with order 3/],
    ['a page inside an allocated block', () => e.free(held + 1, 0), /inside the order-3 block allocated at/],
    ['a pfn not aligned to its order', () => e.free(held + 2, 1), /not aligned|inside/],
  ];
  it.each(cases)('%s', (_what, request, message) => {
    const before = snapshot(e.k);
    expect(request).toThrow(RequestError);
    expect(request).toThrow(message);
    expect(snapshot(e.k)).toEqual(before);
  });
});

describe('gfp masks by name and number', () => {
  it('decodes both ways, with __GFP_HIGHMEM 0 without HIGHMEM', () => {
    expect(parseGfp('GFP_KERNEL', true)).toBe(0x07);
    expect(parseGfp('GFP_DMA|GFP_ATOMIC', true)).toBe(0x0a);
    expect(parseGfp('GFP_HIGHUSER', true)).toBe(0x15);
    expect(parseGfp('GFP_HIGHUSER', false)).toBe(0x05);
    expect(parseGfp('0x10|__GFP_WAIT', false)).toBe(0x11);
    expect(decodeGfp(0x15, true)).toEqual({ mask: 0x15, flags: '__GFP_WAIT|__GFP_IO|__GFP_HIGHMEM', names: ['GFP_HIGHUSER'] });
    expect(decodeGfp(0x07, true).names).toEqual(['GFP_KERNEL', 'GFP_NFS']);
    expect(decodeGfp(0x10, false).flags).toBe('0x10');
  });
});

describe('reports during boot', () => {
  it('read an uninitialised free list as empty instead of walking it for ever (mid free_area_init_core)', async () => {
    const { countFree, freeList } = await import('../../src/engine/inspect/report');
    const { engine, stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    stepper.continue((fn, probe) => fn === 'free_area_init_core' && probe === 'offset = lmem_map - mem_map;');
    expect(countFree(engine.k, engine.k.zones[0], 3)).toBe(0);
    expect(freeList(engine.k, engine.k.zones[0], 3)).toEqual([]);
  });
});
