// The step API over the boot path: the call sequence start_kernel -> setup_arch -> ... ->
// mem_init, locals read at known statements, step over/out, breakpoints, and the same final
// state in step mode as in run mode.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { KernelBug } from '../../src/engine/errors';
import type { Stepper, Stop } from '../../src/engine/exec/stepper';
import { parseMachine, presetMachine } from '../../src/engine/machine';

const MiB = 1 << 20;

function stepUntil(s: Stepper, fn: string, text: string, occurrence = 1): Stop {
  for (;;) {
    const stop = s.stepIn();
    if (stop.reason !== 'step') throw new Error(`ended (${stop.reason}) before ${fn}: ${text}`);
    if (stop.probe?.fn === fn && stop.probe.text === text && stop.probe.occurrence === occurrence) return stop;
  }
}

describe('stepping the boot of pc-16m', () => {
  it('enters the kernel functions in 2.4.0\'s order', () => {
    const { stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    const seen: string[] = [];
    while (!stepper.done) {
      const stop = stepper.stepIn();
      const fn = stop.probe?.fn;
      if (fn && !seen.includes(fn)) seen.push(fn);
    }
    expect(seen).toEqual([
      'start_kernel', 'setup_arch', 'setup_memory_region', 'copy_e820_map', 'add_memory_region', 'print_memory_map',
      'init_bootmem', 'init_bootmem_core', 'free_bootmem', 'free_bootmem_core', 'reserve_bootmem', 'reserve_bootmem_core',
      'paging_init', 'pagetable_init', 'fixrange_init', '__alloc_bootmem', '__alloc_bootmem_core',
      'free_area_init', 'free_area_init_core', 'build_zonelists', 'mem_init', 'free_all_bootmem', 'free_all_bootmem_core',
      '__free_page', '__free_pages', '__free_pages_ok', 'nr_free_pages',
    ]);
  });

  it('stops before a statement runs: bitmap_size reads 4096 at its rounding, 512 after (free_area_init_core)', () => {
    const { stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    const at = stepUntil(stepper, 'free_area_init_core', 'bitmap_size = (bitmap_size + 7) >> 3;');
    expect(at.stack.map((f) => f.fn)).toEqual(['free_area_init_core', 'free_area_init', 'paging_init', 'setup_arch', 'start_kernel']);
    const l = at.stack[0].locals();
    expect({ i: l.i, j: l.j, mask: l.mask, size: l.size, bitmap_size: l.bitmap_size }).toEqual({ i: 0, j: 0, mask: -2, size: 4096, bitmap_size: 4096 });
    const next = stepper.stepIn();
    expect(next.probe?.text).toBe('bitmap_size = LONG_ALIGN(bitmap_size);');
    expect(next.stack[0].locals().bitmap_size).toBe(512);
  });

  it('keeps max_pfn, max_low_pfn and start_pfn as locals of setup_arch', () => {
    const { stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    const at = stepUntil(stepper, 'setup_arch', 'if (max_low_pfn > MAXMEM_PFN)');
    expect(at.stack[0].locals()).toMatchObject({ max_pfn: 4096, max_low_pfn: 4096, start_pfn: 768 });
  });

  it('steps over paging_init in one stop and out of init_bootmem_core to setup_arch', () => {
    const { engine, stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    stepUntil(stepper, 'init_bootmem_core', 'bdata->node_low_pfn = end;');
    const out = stepper.stepOut();
    expect(out.probe).toEqual({ fn: 'setup_arch', text: 'for (i = 0; i < e820.nr_map; i++)', occurrence: 2 });
    expect(out.stack[0].locals().bootmap_size).toBe(512);
    stepUntil(stepper, 'setup_arch', 'paging_init();');
    const over = stepper.stepOver();
    expect(over.probe).toEqual({ fn: 'setup_arch', text: 'probe_roms();', occurrence: 1 });
    expect(engine.k.zones[0].size).toBe(4096);
    expect(engine.k.zonelists_built).toBe(true);
  });

  it('continues to a breakpoint given as a probe test', () => {
    const { stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    let hits = 0;
    const stop = stepper.continue((fn, probe) => fn === '__free_pages_ok' && probe === 'memlist_del(&buddy1->list);' && ++hits === 3);
    expect(stop.reason).toBe('breakpoint');
    expect(stop.stack.map((f) => f.fn).slice(0, 4)).toEqual(['__free_pages_ok', '__free_pages', '__free_page', 'free_all_bootmem_core']);
  });
});

describe('requests after boot, stepped', () => {
  it('stops in expand with the split under way', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const s = e.stepAlloc('GFP_KERNEL', 0);
    const stop = s.continue((fn, probe) => fn === 'expand' && probe === 'memlist_add_head(&(page)->list, &(area)->free_list);');
    expect(stop.reason).toBe('breakpoint');
    expect(stop.stack.map((f) => f.fn)).toEqual(['expand', 'rmqueue', '__alloc_pages', 'alloc_pages']);
    const l = stop.stack[0].locals();
    // pc-64m's Normal order-0 list is empty: rmqueue takes the order-1 block at 4354 (golden op 2).
    expect({ low: l.low, high: l.high, page: l.page }).toEqual({ low: 0, high: 0, page: 4354 });
  });
});

describe('a machine 2.4.0 cannot boot', () => {
  it('dies in __alloc_bootmem_core when mem_map does not fit in low memory (PAE beyond ~55 GiB)', () => {
    const m = parseMachine({ e820: [[0, 0x9fc00, 1], [MiB, 3583 * MiB, 1], [4096 * MiB, 60 * 1024 * MiB, 1]], highmem: true, pae: true });
    let err: unknown;
    try {
      Engine.boot(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelBug);
    expect(err).toMatchObject({ file: 'mm/bootmem.c', func: '__alloc_bootmem_core' });
    expect((err as KernelBug).log).toContain('On node 0 totalpages: 16777216'); // what it printed before BUG()
  });
});
