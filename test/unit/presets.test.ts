// Per preset, the figures 2.4.0 computes (shared/spec/engine-spec.md's table, read from the
// 2.4.0 sources), each beside the kernel file and function that computes it.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { state } from '../../src/engine/inspect/report';
import { presetMachine } from '../../src/engine/machine';

interface Row {
  max_pfn: number; max_low_pfn: number; high: [number, number]; bootmap: number; mem_map_pfn: number;
  sizes: number[]; marks: number[][]; free: number[]; blocks: number[][];
}

const W_DMA = [128, 256, 384];
const W_BIG = [255, 510, 765];
const NONE = [0, 0, 0];
const Z = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const hi = (n: number): number[] => [0, 0, 0, 0, 0, 0, 0, 0, 0, n];

const TABLE: Record<string, Row> = {
  'pc-64m': { max_pfn: 0x4000, max_low_pfn: 0x4000, high: [0, 0], bootmap: 2048, mem_map_pfn: 4096,
    sizes: [4096, 12288, 0], marks: [W_DMA, [96, 192, 288], NONE], free: [3483, 12030, 0],
    blocks: [[3, 2, 3, 3, 3, 2, 2, 1, 0, 6], [0, 1, 1, 1, 1, 1, 1, 1, 0, 23], Z] },
  'pc-512m': { max_pfn: 0x20000, max_low_pfn: 0x20000, high: [0, 0], bootmap: 16384, mem_map_pfn: 4096,
    sizes: [4096, 126976, 0], marks: [W_DMA, W_BIG, NONE], free: [3483, 124919, 0],
    blocks: [[3, 2, 3, 3, 3, 2, 2, 1, 0, 6], [1, 1, 1, 0, 1, 1, 1, 1, 1, 243], Z] },
  'pc-2g-highmem': { max_pfn: 0x80000, max_low_pfn: 0x38000, high: [0x38000, 0x80000], bootmap: 28672, mem_map_pfn: 4096,
    sizes: [4096, 225280, 294912], marks: [W_DMA, W_BIG, W_BIG], free: [3482, 217055, 294912],
    blocks: [[2, 2, 3, 3, 3, 2, 2, 1, 0, 6], [1, 1, 1, 1, 1, 0, 1, 1, 1, 423], hi(576)] },
  'pc-4g-highmem': { max_pfn: 0x100000, max_low_pfn: 0x38000, high: [0x38000, 0x100000], bootmap: 28672, mem_map_pfn: 4096,
    sizes: [4096, 225280, 819200], marks: [W_DMA, W_BIG, W_BIG], free: [3482, 208831, 688128],
    blocks: [[2, 2, 3, 3, 3, 2, 2, 1, 0, 6], [1, 1, 1, 1, 1, 1, 0, 1, 1, 407], hi(1344)] },
  'pae-16g': { max_pfn: 0x420000, max_low_pfn: 0x38000, high: [0x38000, 0x420000], bootmap: 28672, mem_map_pfn: 4096,
    sizes: [4096, 225280, 4096000], marks: [W_DMA, W_BIG, W_BIG], free: [3481, 157432, 3964928],
    blocks: [[3, 3, 2, 3, 3, 2, 2, 1, 0, 6], [0, 0, 0, 1, 1, 1, 1, 1, 0, 307], hi(7744)] },
};

describe.each(Object.keys(TABLE))('preset %s after mem_init', (name) => {
  const row = TABLE[name];
  const s = state(Engine.boot(presetMachine(name)).k);

  it('has 2.4.0\'s pfn limits (arch/i386/kernel/setup.c, setup_arch)', () => {
    expect([s.max_pfn, s.max_low_pfn, s.highstart_pfn, s.highend_pfn]).toEqual([row.max_pfn, row.max_low_pfn, ...row.high]);
    expect(s.start_pfn).toBe(0x300); // PFN_UP(__pa(&_end)), _end at 3 MiB
  });
  it('sizes the bootmem bitmap as init_bootmem_core does (mm/bootmem.c)', () => {
    expect(s.bootmap_size).toBe(row.bootmap);
  });
  it('puts mem_map where alloc_bootmem_node puts it (mm/page_alloc.c, free_area_init_core)', () => {
    expect(s.mem_map_pfn).toBe(row.mem_map_pfn);
  });
  it('sizes the zones as paging_init does (arch/i386/mm/init.c)', () => {
    expect(s.zones.map((z) => z.size)).toEqual(row.sizes);
  });
  it('sets the watermarks as free_area_init_core does (mm/page_alloc.c)', () => {
    expect(s.zones.map((z) => [z.pages_min, z.pages_low, z.pages_high])).toEqual(row.marks);
  });
  it('frees what mem_init/free_all_bootmem_core free, merged as __free_pages_ok merges', () => {
    expect(s.zones.map((z) => z.free_pages)).toEqual(row.free);
    expect(s.zones.map((z) => z.free_area)).toEqual(row.blocks);
  });
});
