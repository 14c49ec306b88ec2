// arch/i386/kernel/setup.c, the memory part of setup_arch: copy the E820 map, find the pfn
// limits, set up bootmem over low memory, free the RAM ranges into it, reserve the kernel and
// the bitmap, then paging_init and the I/O resources (one small low allocation each).

import { $, call, frame, type Kgen } from '../../../exec/gen';
import { E820MAX, E820_ACPI, E820_NVS, E820_RAM, E820_RESERVED, type E820Entry } from '../../../include/e820';
import { SIZEOF } from '../../../include/mmzone';
import {
  HIGH_MEMORY, MAXMEM, MAXMEM_PFN, MAX_NONPAE_PFN, PAGE_SIZE, PFN_DOWN, PFN_PHYS, PFN_UP, SMP_CACHE_BYTES, __pa,
} from '../../../include/page';
import type { Kernel } from '../../../state';
import { __alloc_bootmem, free_bootmem, init_bootmem, reserve_bootmem } from '../../../mm/bootmem';
import { paging_init } from '../mm/init';

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

// C: void __init add_memory_region(unsigned long long start, unsigned long long size, int type)
export function* add_memory_region(k: Kernel, start: number, size: number, type: number): Kgen<void> {
  let x = 0;
  yield frame(() => ({ start, size, type, x }));
  yield $('int x = e820.nr_map;');
  x = k.e820.length;
  yield $('if (x == E820MAX)');
  if (x === E820MAX) {
    yield $('printk("Ooops! Too many entries in the memory map!\\n");');
    k.printk('Ooops! Too many entries in the memory map!');
    yield $('return;');
    return;
  }
  yield $('e820.map[x].addr = start;');
  yield $('e820.map[x].size = size;');
  yield $('e820.map[x].type = type;');
  yield $('e820.nr_map++;');
  k.e820.push({ addr: start, size, type });
}

/** copy_e820_map: the BIOS map, with RAM claimed in 640 KiB – 1 MiB cut out. */
// C: static int __init copy_e820_map(struct e820entry * biosmap, int nr_map)
export function* copy_e820_map(k: Kernel, biosmap: E820Entry[]): Kgen<number> {
  let nr_map = biosmap.length, idx = 0, start = 0, size = 0, end = 0, type = 0;
  yield frame(() => ({ nr_map, start, size, end, type }));
  yield $('if (nr_map < 2)');
  if (nr_map < 2) {
    yield $('return -1;');
    return -1;
  }
  do {
    const e = biosmap[idx];
    yield $('unsigned long long start = biosmap->addr;');
    start = e.addr;
    yield $('unsigned long long size = biosmap->size;');
    size = e.size;
    yield $('unsigned long long end = start + size;');
    end = start + size;
    yield $('unsigned long type = biosmap->type;');
    type = e.type;
    yield $('if (start > end)');
    yield $('if (type == E820_RAM)');
    if (type === E820_RAM) {
      yield $('if (start < 0x100000ULL && end > 0xA0000ULL)');
      if (start < 0x100000 && end > 0xa0000) {
        yield $('if (start < 0xA0000ULL)');
        if (start < 0xa0000) {
          yield $('add_memory_region(start, 0xA0000ULL-start, type);');
          yield call(add_memory_region, k, start, 0xa0000 - start, type);
        }
        yield $('if (end <= 0x100000ULL)');
        if (end <= 0x100000) {
          yield $('continue;');
          continue;
        }
        yield $('start = 0x100000ULL;');
        start = 0x100000;
        yield $('size = end - start;');
        size = end - start;
      }
    }
    yield $('add_memory_region(start, size, type);');
    yield call(add_memory_region, k, start, size, type);
  } while ((yield $('while (biosmap++,--nr_map);')), idx++, --nr_map);
  yield $('return 0;');
  return 0;
}

// C: static void __init print_memory_map(char *who)
export function* print_memory_map(k: Kernel, who: string): Kgen<void> {
  let i = 0;
  yield frame(() => ({ who, i }));
  for (i = 0; (yield $('for (i = 0; i < e820.nr_map; i++)')), i < k.e820.length; i++) {
    const e = k.e820[i];
    yield $('printk(" %s: %016Lx @ %016Lx ", who, e820.map[i].size, e820.map[i].addr);');
    yield $('switch (e820.map[i].type)');
    const kind = e.type === E820_RAM ? '(usable)' : e.type === E820_RESERVED ? '(reserved)'
      : e.type === E820_ACPI ? '(ACPI data)' : e.type === E820_NVS ? '(ACPI NVS)' : `type ${e.type}`;
    if (e.type === E820_RAM) {
      yield $('printk("(usable)\\n");');
    } else if (e.type === E820_RESERVED) {
      yield $('printk("(reserved)\\n");');
    } else if (e.type === E820_ACPI) {
      yield $('printk("(ACPI data)\\n");');
    } else if (e.type === E820_NVS) {
      yield $('printk("(ACPI NVS)\\n");');
    } else {
      yield $('printk("type %lu\\n", e820.map[i].type);');
    }
    yield $('break;');
    k.printk(` ${who}: ${hex16(e.size)} @ ${hex16(e.addr)} ${kind}`);
  }
}

// C: void __init setup_memory_region(void)
export function* setup_memory_region(k: Kernel): Kgen<void> {
  const who = 'BIOS-e820';
  yield frame(() => ({ who }));
  yield $('char *who = "BIOS-e820";');
  yield $('if (copy_e820_map(E820_MAP, E820_MAP_NR) < 0)');
  // machine.ts refuses maps copy_e820_map would ignore, so this never takes the BIOS-88 path.
  const copied: number = yield call(copy_e820_map, k, k.machine.e820);
  if (copied < 0) {
    // Never taken: machine.ts refuses what copy_e820_map would ignore.
    yield $('if (ALT_MEM_K < EXT_MEM_K)');
    yield $('mem_size = EXT_MEM_K;');
    yield $('who = "BIOS-88";');
    yield $('mem_size = ALT_MEM_K;');
    yield $('who = "BIOS-e801";');
    yield $('e820.nr_map = 0;');
    yield $('add_memory_region(0, LOWMEMSIZE(), E820_RAM);');
    yield $('add_memory_region(HIGH_MEMORY, (mem_size << 10) - HIGH_MEMORY, E820_RAM);');
  }
  yield $('printk("BIOS-provided physical RAM map:\\n");');
  k.printk('BIOS-provided physical RAM map:');
  yield $('print_memory_map(who);');
  yield call(print_memory_map, k, who);
}

// C: void __init setup_arch(char **cmdline_p)
export function* setup_arch(k: Kernel): Kgen<void> {
  let bootmap_size = 0, start_pfn = 0, max_pfn = 0, max_low_pfn = 0, i = 0;
  let start = 0, end = 0, curr_pfn = 0, last_pfn = 0, size = 0, res = 0;
  const publish = (): void => {
    k.setup = { start_pfn, max_pfn, max_low_pfn, bootmap_size };
  };
  yield frame(() => ({ bootmap_size, start_pfn, max_pfn, max_low_pfn, i, start, end, curr_pfn, last_pfn, size, res }));
  // The boot parameters setup.S left in empty_zero_page: statements the model steps, no state.
  yield $('ROOT_DEV = to_kdev_t(ORIG_ROOT_DEV);');
  yield $('drive_info = DRIVE_INFO;');
  yield $('screen_info = SCREEN_INFO;');
  yield $('apm_info.bios = APM_BIOS_INFO;');
  yield $('if( SYS_DESC_TABLE.length != 0 )');
  if (SYS_DESC_TABLE_LENGTH) {
    yield $('MCA_bus = SYS_DESC_TABLE.table[3] &0x2;');
    yield $('machine_id = SYS_DESC_TABLE.table[0];');
    yield $('machine_submodel_id = SYS_DESC_TABLE.table[1];');
    yield $('BIOS_revision = SYS_DESC_TABLE.table[2];');
  }
  yield $('aux_device_present = AUX_DEVICE_INFO;');
  yield $('setup_memory_region();');
  yield call(setup_memory_region, k);
  yield $('if (!MOUNT_ROOT_RDONLY)');
  yield $('root_mountflags &= ~MS_RDONLY;');
  yield $('init_mm.start_code = (unsigned long) &_text;');
  yield $('init_mm.end_code = (unsigned long) &_etext;');
  yield $('init_mm.end_data = (unsigned long) &_edata;');
  yield $('init_mm.brk = (unsigned long) &_end;');
  yield $('code_resource.start = virt_to_bus(&_text);');
  yield $('code_resource.end = virt_to_bus(&_etext)-1;');
  yield $('data_resource.start = virt_to_bus(&_etext);');
  yield $('data_resource.end = virt_to_bus(&_edata)-1;');
  yield $('parse_mem_cmdline(cmdline_p);');
  yield $('start_pfn = PFN_UP(__pa(&_end));');
  start_pfn = PFN_UP(k.machine.kernel_end);
  yield $('max_pfn = 0;');
  max_pfn = 0;
  for ((yield $('for (i = 0; i < e820.nr_map; i++)')), i = 0; (yield $('for (i = 0; i < e820.nr_map; i++)')), i < k.e820.length; i++) {
    const e = k.e820[i];
    yield $('if (e820.map[i].type != E820_RAM)');
    if (e.type !== E820_RAM) {
      yield $('continue;');
      continue;
    }
    yield $('start = PFN_UP(e820.map[i].addr);');
    start = PFN_UP(e.addr);
    yield $('end = PFN_DOWN(e820.map[i].addr + e820.map[i].size);');
    end = PFN_DOWN(e.addr + e.size);
    yield $('if (start >= end)');
    if (start >= end) {
      yield $('continue;', 2);
      continue;
    }
    yield $('if (end > max_pfn)');
    if (end > max_pfn) {
      yield $('max_pfn = end;');
      max_pfn = end;
    }
  }
  yield $('max_low_pfn = max_pfn;');
  max_low_pfn = max_pfn;
  publish();
  yield $('if (max_low_pfn > MAXMEM_PFN)');
  if (max_low_pfn > MAXMEM_PFN) {
    yield $('max_low_pfn = MAXMEM_PFN;');
    max_low_pfn = MAXMEM_PFN;
    if (!k.CONFIG_HIGHMEM) {
      yield $('printk(KERN_WARNING "Warning only %ldMB will be used.\\n", MAXMEM>>20);');
      k.printk(`Warning only ${MAXMEM / 2 ** 20}MB will be used.`);
      yield $('if (max_pfn > MAX_NONPAE_PFN)');
      if (max_pfn > MAX_NONPAE_PFN) {
        yield $('printk(KERN_WARNING "Use a PAE enabled kernel.\\n");');
        k.printk('Use a PAE enabled kernel.');
      } else {
        yield $('printk(KERN_WARNING "Use a HIGHMEM enabled kernel.\\n");');
        k.printk('Use a HIGHMEM enabled kernel.');
      }
    } else if (!k.CONFIG_X86_PAE) {
      yield $('if (max_pfn > MAX_NONPAE_PFN)', 2);
      if (max_pfn > MAX_NONPAE_PFN) {
        yield $('max_pfn = MAX_NONPAE_PFN;');
        max_pfn = MAX_NONPAE_PFN;
        yield $('printk(KERN_WARNING "Warning only 4GB will be used.\\n");');
        k.printk('Warning only 4GB will be used.');
        yield $('printk(KERN_WARNING "Use a PAE enabled kernel.\\n");', 2);
        k.printk('Use a PAE enabled kernel.');
      }
    }
  }
  publish();
  if (k.CONFIG_HIGHMEM) {
    yield $('highstart_pfn = highend_pfn = max_pfn;');
    k.highstart_pfn = k.highend_pfn = max_pfn;
    yield $('if (max_pfn > MAXMEM_PFN)');
    if (max_pfn > MAXMEM_PFN) {
      yield $('highstart_pfn = MAXMEM_PFN;');
      k.highstart_pfn = MAXMEM_PFN;
      yield $('printk(KERN_NOTICE "%ldMB HIGHMEM available.\\n", pages_to_mb(highend_pfn - highstart_pfn));');
      k.printk(`${Math.floor((k.highend_pfn - k.highstart_pfn) / 256)}MB HIGHMEM available.`);
    }
  }
  yield $('bootmap_size = init_bootmem(start_pfn, max_low_pfn);');
  bootmap_size = yield call(init_bootmem, k, start_pfn, max_low_pfn);
  publish();
  for ((yield $('for (i = 0; i < e820.nr_map; i++)', 2)), i = 0; (yield $('for (i = 0; i < e820.nr_map; i++)', 2)), i < k.e820.length; i++) {
    const e = k.e820[i];
    yield $('if (e820.map[i].type != E820_RAM)', 2);
    if (e.type !== E820_RAM) {
      yield $('continue;', 3);
      continue;
    }
    yield $('curr_pfn = PFN_UP(e820.map[i].addr);');
    curr_pfn = PFN_UP(e.addr);
    yield $('if (curr_pfn >= max_low_pfn)');
    if (curr_pfn >= max_low_pfn) {
      yield $('continue;', 4);
      continue;
    }
    yield $('last_pfn = PFN_DOWN(e820.map[i].addr + e820.map[i].size);');
    last_pfn = PFN_DOWN(e.addr + e.size);
    yield $('if (last_pfn > max_low_pfn)');
    if (last_pfn > max_low_pfn) {
      yield $('last_pfn = max_low_pfn;');
      last_pfn = max_low_pfn;
    }
    yield $('if (last_pfn <= curr_pfn)');
    if (last_pfn <= curr_pfn) {
      yield $('continue;', 5);
      continue;
    }
    yield $('size = last_pfn - curr_pfn;');
    size = last_pfn - curr_pfn;
    yield $('free_bootmem(PFN_PHYS(curr_pfn), PFN_PHYS(size));');
    yield call(free_bootmem, k, PFN_PHYS(curr_pfn), PFN_PHYS(size));
  }
  yield $('reserve_bootmem(HIGH_MEMORY, (PFN_PHYS(start_pfn) + bootmap_size + PAGE_SIZE-1) - (HIGH_MEMORY));');
  yield call(reserve_bootmem, k, HIGH_MEMORY, PFN_PHYS(start_pfn) + bootmap_size + PAGE_SIZE - 1 - HIGH_MEMORY);
  yield $('reserve_bootmem(0, PAGE_SIZE);');
  yield call(reserve_bootmem, k, 0, PAGE_SIZE);
  yield $('paging_init();');
  yield call(paging_init, k);
  yield $('probe_roms();');
  for ((yield $('for (i = 0; i < e820.nr_map; i++)', 3)), i = 0; (yield $('for (i = 0; i < e820.nr_map; i++)', 3)), i < k.e820.length; i++) {
    const e = k.e820[i];
    yield $('if (e820.map[i].addr + e820.map[i].size > 0x100000000ULL)');
    if (e.addr + e.size > 0x1_0000_0000) {
      yield $('continue;', 6);
      continue;
    }
    yield $('res = alloc_bootmem_low(sizeof(struct resource));');
    k.bootmemCaller = 'setup_arch struct resource';
    res = yield call(__alloc_bootmem, k, SIZEOF.resource, SMP_CACHE_BYTES, 0);
    yield $('switch (e820.map[i].type)');
    const name = e.type === E820_RAM ? 'System RAM' : e.type === E820_ACPI ? 'ACPI Tables'
      : e.type === E820_NVS ? 'ACPI Non-volatile Storage' : 'reserved';
    if (e.type === E820_RAM) {
      yield $('res->name = "System RAM";');
    } else if (e.type === E820_ACPI) {
      yield $('res->name = "ACPI Tables";');
    } else if (e.type === E820_NVS) {
      yield $('res->name = "ACPI Non-volatile Storage";');
    } else {
      yield $('res->name = "reserved";');
    }
    if (e.type === E820_RAM || e.type === E820_ACPI || e.type === E820_NVS) {
      yield $('break;');
    }
    yield $('res->start = e820.map[i].addr;');
    yield $('res->end = res->start + e820.map[i].size - 1;');
    yield $('res->flags = IORESOURCE_MEM | IORESOURCE_BUSY;');
    yield $('request_resource(&iomem_resource, res);');
    k.resources.push({ addr: __pa(res), name, start: e.addr, end: e.addr + e.size - 1 });
    yield $('if (e820.map[i].type == E820_RAM)');
    if (e.type === E820_RAM) {
      yield $('request_resource(res, &code_resource);');
      yield $('request_resource(res, &data_resource);');
    }
  }
  yield $('request_resource(&iomem_resource, &vram_resource);');
  for ((yield $('for (i = 0; i < STANDARD_IO_RESOURCES; i++)')), i = 0; (yield $('for (i = 0; i < STANDARD_IO_RESOURCES; i++)')), i < STANDARD_IO_RESOURCES; i++) {
    yield $('request_resource(&ioport_resource, standard_io_resources+i);');
  }
}

/** The boot parameters of the model's machine: no MCA system description table. */
const SYS_DESC_TABLE_LENGTH = 0;
/** dma1, pic1, timer, keyboard, dma page reg, pic2, dma2, fpu: 2.4.0's standard_io_resources. */
const STANDARD_IO_RESOURCES = 8;
