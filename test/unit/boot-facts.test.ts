// Facts of 2.4.0's boot path that the preset table does not show: where bootmem puts page
// tables, mem_map and the buddy bitmaps; the bitmap sizes; the boot log; the zonelists.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { PAGE_OFFSET } from '../../src/engine/include/page';
import { parseMachine, presetMachine, type Machine } from '../../src/engine/machine';

const MiB = 1 << 20;
const boot = (m: Machine) => Engine.boot(m).k;
const pc = (top: number, extra: Record<string, unknown> = {}) =>
  parseMachine({ e820: [[0, 0x9fc00, 1], [0x9fc00, 0x400, 2], [0xf0000, 0x10000, 2], [MiB, top - MiB, 1]], ...extra });

describe('page tables from bootmem (arch/i386/mm/init.c, pagetable_init / fixrange_init)', () => {
  it('with PSE the direct map takes no pte page; the fixmap pte is the first low page free (pfn 1)', () => {
    const k = boot(presetMachine('pc-16m'));
    expect(k.pageTables).toEqual([{ pfn: 1, kind: 'pte', vaddr: 0xffc00000 }]);
  });
  it('HIGHMEM adds the pkmap pte page at PKMAP_BASE', () => {
    const k = boot(presetMachine('pc-2g-highmem'));
    expect(k.pageTables).toEqual([
      { pfn: 1, kind: 'pte', vaddr: 0xffc00000 },
      { pfn: 2, kind: 'pte', vaddr: 0xfe000000 },
    ]);
  });
  it('PAE allocates the pmd page of pgd 3 first, then 2 MB-granular fixmap and pkmap ptes', () => {
    const k = boot(presetMachine('pae-16g'));
    expect(k.pageTables).toEqual([
      { pfn: 1, kind: 'pmd', vaddr: 0xc0000000 },
      { pfn: 2, kind: 'pte', vaddr: 0xffe00000 },
      { pfn: 3, kind: 'pte', vaddr: 0xfe000000 },
    ]);
  });
  it('without PSE every 4 MB of the direct map takes a pte page, lowest pfns first', () => {
    const k = boot(pc(64 * MiB, { pse: false }));
    const ptes = k.pageTables.filter((t) => t.vaddr < 0xfe000000);
    expect(ptes.map((t) => t.pfn)).toEqual([...Array(16).keys()].map((i) => i + 1));
    expect(ptes.map((t) => t.vaddr)).toEqual([...Array(16).keys()].map((i) => PAGE_OFFSET + i * 4 * MiB));
    expect(k.pageTables.at(-1)).toEqual({ pfn: 17, kind: 'pte', vaddr: 0xffc00000 });
  });
  it('PAE without PSE: one pmd page, then a pte page per 2 MB of the 896 MB direct map', () => {
    const k = boot({ ...presetMachine('pae-16g'), pse: false });
    expect(k.pageTables.filter((t) => t.kind === 'pmd').length).toBe(1);
    expect(k.pageTables.filter((t) => t.kind === 'pte').length).toBe(448 + 2);
  });
});

describe('mem_map and the buddy bitmaps (mm/page_alloc.c, free_area_init_core)', () => {
  it('mem_map is (totalpages + 1) * sizeof(struct page) from 16 MiB up, or from 0 when the goal is not below node_low_pfn', () => {
    const big = boot(presetMachine('pc-512m'));
    const a = big.bootmemAllocs.find((x) => x.by === 'mem_map')!;
    expect(a).toMatchObject({ addr: 16 * MiB, size: (0x20000 + 1) * 64, align: 32, goal: 16 * MiB });
    const small = boot(presetMachine('pc-16m'));
    expect(small.bootmemAllocs.find((x) => x.by === 'mem_map')!.addr).toBe(0x2000);
  });

  it('sizes each order\'s bitmap with mask doubled before use: size rounded to 2^(i+1), size >> i bits, LONG_ALIGNed bytes', () => {
    const k = boot(presetMachine('pc-64m'));
    const expected = (pages: number) => {
      const out: number[] = [];
      let size = pages;
      for (let i = 0; i < 10; i++) {
        const unit = 2 ** (i + 1);
        size = Math.ceil(size / unit) * unit;
        out.push(Math.ceil(Math.ceil(size / 2 ** i) / 8 / 4) * 4);
      }
      return out;
    };
    expect(k.zones[0].free_area.map((a) => a.map.length)).toEqual([512, 256, 128, 64, 32, 16, 8, 4, 4, 4]);
    expect(k.zones[1].free_area.map((a) => a.map.length)).toEqual(expected(12288));
  });

  it('small allocations continue in the tail of the previous one (__alloc_bootmem_core, mm/bootmem.c)', () => {
    const k = boot(presetMachine('pc-16m'));
    const mm = k.bootmemAllocs.find((x) => x.by === 'mem_map')!;
    const end = mm.addr + mm.size; // 0x2000 + 4097 * 64
    const maps = k.zones[0].free_area.map((a) => a.map_addr - PAGE_OFFSET);
    expect(maps[0]).toBe(Math.ceil(end / 32) * 32);
    for (let i = 1; i < 10; i++) expect(maps[i]).toBe(Math.ceil((maps[i - 1] + k.zones[0].free_area[i - 1].map.length) / 32) * 32);
    // The first page after mem_map stays free: every bitmap and resource fit in its tail.
    expect(Math.floor((k.resources.at(-1)!.addr) / 4096)).toBe(Math.floor(end / 4096));
  });

  it('marks every page of an empty zone-less machine reserved and gives lowmem pages a zone', () => {
    const k = boot(presetMachine('pc-64m'));
    expect(k.npages).toBe(0x4000);
    expect(k.page_zone[0]).toBe(0);
    expect(k.page_zone[4096]).toBe(1);
    expect(k.page_flags[769] >>> 31).toBe(1); // stays reserved: the page past the bootmem bitmap
    expect(k.page_flags[768] >>> 31).toBe(0); // the bitmap's own page, freed last
  });
});

describe('the boot log, in 2.4.0\'s words', () => {
  it('prints the E820 map size first, then address (setup.c, print_memory_map)', () => {
    const log = boot(presetMachine('pc-64m')).log;
    expect(log.slice(0, 5)).toEqual([
      'BIOS-provided physical RAM map:',
      ' BIOS-e820: 000000000009fc00 @ 0000000000000000 (usable)',
      ' BIOS-e820: 0000000000000400 @ 000000000009fc00 (reserved)',
      ' BIOS-e820: 0000000000010000 @ 00000000000f0000 (reserved)',
      ' BIOS-e820: 0000000003f00000 @ 0000000000100000 (usable)',
    ]);
    expect(log).toContain('On node 0 totalpages: 16384');
    expect(log.filter((l) => l.startsWith('zone('))).toEqual(['zone(0): 4096 pages.', 'zone(1): 12288 pages.', 'zone(2): 0 pages.']);
  });
  it('without HIGHMEM warns and uses 896 MB (setup_arch)', () => {
    const k = boot(presetMachine('pc-1g-nohighmem'));
    expect(k.log).toContain('Warning only 896MB will be used.');
    expect(k.log).toContain('Use a HIGHMEM enabled kernel.');
    expect(k.setup.max_pfn).toBe(0x40000); // not capped without HIGHMEM
    expect(k.zones.map((z) => z.size)).toEqual([4096, 225280, 0]);
  });
  it('without HIGHMEM above 4 GiB asks for PAE', () => {
    const k = boot(parseMachine({ e820: [[0, 0x9fc00, 1], [MiB, 3583 * MiB, 1], [4096 * MiB, 1024 * MiB, 1]] }));
    expect(k.log).toContain('Use a PAE enabled kernel.');
  });
  it('HIGHMEM4G caps max_pfn at 4 GiB and reports the HIGHMEM it uses', () => {
    const k = boot(presetMachine('pc-4g-highmem'));
    expect(k.log).toEqual(expect.arrayContaining(['Warning only 4GB will be used.', 'Use a PAE enabled kernel.', '3200MB HIGHMEM available.']));
    expect(boot(presetMachine('pc-2g-highmem')).log).toContain('1152MB HIGHMEM available.');
  });
  it('counts reserved RAM in the Memory: line as mem_init does', () => {
    const k = boot(presetMachine('pc-64m'));
    const ramPages = 159 + (16384 - 256);
    const free = k.zones.reduce((n, z) => n + z.free_pages, 0);
    expect(k.log).toContain(`Memory: ${free * 4}k/65536k available (1024k kernel code, ${(ramPages - free) * 4}k reserved, 244k data, 204k init, 0k highmem)`);
  });
  it('says "reserved twice" when reserve_bootmem hits a page that is not RAM', () => {
    const k = boot(parseMachine({ e820: [[0x1000, 0x9e000, 1], [MiB, 63 * MiB, 1]] }));
    expect(k.log).toContain('hm, page 00000000 reserved twice.');
  });
  it('cuts RAM claimed in 640 KiB – 1 MiB (copy_e820_map) and keeps at most E820MAX entries', () => {
    const k = boot(parseMachine({ e820: [[0, 16 * MiB, 1], [16 * MiB, 0, 2]] }));
    expect(k.e820.slice(0, 2)).toEqual([{ addr: 0, size: 0xa0000, type: 1 }, { addr: MiB, size: 15 * MiB, type: 1 }]);
    const reserved = [...Array(38).keys()].map((i) => [65 * MiB + i * 4096, 4096, 2]);
    const k2 = boot(parseMachine({ e820: [[0, 0x9f000, 1], [MiB, 64 * MiB, 1], ...reserved] }));
    expect(k2.e820.length).toBe(32);
    expect(k2.log).toContain('Ooops! Too many entries in the memory map!');
  });
  it('takes one struct resource per E820 entry ending at or below 4 GiB (setup_arch)', () => {
    expect(boot(presetMachine('pc-4g-highmem')).resources.map((r) => r.name)).toEqual(['System RAM', 'reserved', 'reserved', 'System RAM', 'reserved']);
  });
});

describe('zonelists (mm/page_alloc.c, build_zonelists)', () => {
  const chain = (k: ReturnType<typeof boot>, i: number) =>
    [...k.zonelists.subarray(i * 4, i * 4 + 4)].filter((z) => z >= 0).map((z) => k.zones[z].name);
  it('with HIGHMEM: 0x10 starts at HighMem, 0x08 at DMA (DMA wins), the rest at Normal', () => {
    const k = boot(presetMachine('pc-2g-highmem'));
    expect(chain(k, 0x00)).toEqual(['Normal', 'DMA']);
    expect(chain(k, 0x07)).toEqual(['Normal', 'DMA']);
    expect(chain(k, 0x08)).toEqual(['DMA']);
    expect(chain(k, 0x10)).toEqual(['HighMem', 'Normal', 'DMA']);
    expect(chain(k, 0x18)).toEqual(['DMA']);
    expect(chain(k, 0xf7)).toEqual(['HighMem', 'Normal', 'DMA']);
  });
  it('without HIGHMEM __GFP_HIGHMEM is 0, and empty zones are skipped', () => {
    const k = boot(presetMachine('pc-64m'));
    expect(chain(k, 0x10)).toEqual(['Normal', 'DMA']);
    const tiny = boot(presetMachine('pc-16m'));
    expect(chain(tiny, 0x00)).toEqual(['DMA']);
  });
});
