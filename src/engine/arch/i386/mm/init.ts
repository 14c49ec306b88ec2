// arch/i386/mm/init.c: paging_init builds the kernel page tables for the direct map (pte or
// pmd pages from bootmem, none for 4 MB/2 MB PSE pages), the fixmap and kmap page tables, and
// sizes the zones; mem_init hands all free memory to the buddy allocator.

import { $, call, frame, type Kgen } from '../../../exec/gen';
import { KernelBug } from '../../../errors';
import { E820_RAM } from '../../../include/e820';
import { PG_highmem, PG_reserved } from '../../../include/mm';
import { ZONE_DMA, ZONE_HIGHMEM, ZONE_NORMAL } from '../../../include/mmzone';
import {
  MAX_DMA_ADDRESS, PAGE_OFFSET, PAGE_SIZE, PKMAP_BASE, __fix_to_virt, __pa, __va, endOfFixedAddresses,
} from '../../../include/page';
import type { Kernel } from '../../../state';
import { __alloc_bootmem, free_all_bootmem } from '../../../mm/bootmem';
import { __free_page, nr_free_pages } from '../../../mm/page_alloc/buddy';
import { free_area_init } from '../../../mm/page_alloc/init';

const FILE = 'arch/i386/mm/init.c';
/** pmd_offset(pgd, 0) always finds the pmd page just set: 2.4.0's "PAE BUG #02!" never prints here. */
const PMD_MISPLACED = false;
const U32 = 0x1_0000_0000;

/** alloc_bootmem_low_pages(PAGE_SIZE): page-aligned, lowest free page first. */
function* alloc_bootmem_low_pages(k: Kernel, by: string): Kgen<number> {
  k.bootmemCaller = by;
  return yield call(__alloc_bootmem, k, PAGE_SIZE, PAGE_SIZE, 0);
}

function recordTable(k: Kernel, addr: number, kind: 'pmd' | 'pte', vaddr: number): void {
  k.pageTables.push({ pfn: Math.floor(__pa(addr) / PAGE_SIZE), kind, vaddr });
}

/**
 * fixrange_init: page tables (no mappings) for [start, end): a pmd page per empty pgd entry
 * with PAE, a pte page per empty pmd entry. `end` 0 means the top of the address space.
 * The model knows which pmd entries are present from what it has built so far.
 */
// C: static void __init fixrange_init (unsigned long start, unsigned long end, pgd_t *pgd_base)
export function* fixrange_init(k: Kernel, start: number, end: number): Kgen<void> {
  const P = k.paging;
  let vaddr = 0, i = 0, j = 0, pmd = 0, pte = 0;
  yield frame(() => ({ start, end, vaddr, i, j, pmd, pte }));
  yield $('vaddr = start;');
  vaddr = start;
  yield $('i = __pgd_offset(vaddr);');
  i = Math.floor(vaddr / 2 ** P.PGDIR_SHIFT);
  yield $('j = __pmd_offset(vaddr);');
  j = Math.floor(vaddr / 2 ** P.PMD_SHIFT) % P.PTRS_PER_PMD;
  yield $('pgd = pgd_base + i;');
  for (; (yield $('for ( ; (i < PTRS_PER_PGD) && (vaddr != end); pgd++, i++)')), i < P.PTRS_PER_PGD && vaddr !== end; i++) {
    if (k.CONFIG_X86_PAE) {
      yield $('if (pgd_none(*pgd))');
      if (!k.pmdPresent.has(`pgd${i}`)) {
        yield $('pmd = (pmd_t *) alloc_bootmem_low_pages(PAGE_SIZE);');
        pmd = yield* alloc_bootmem_low_pages(k, 'fixrange_init pmd');
        recordTable(k, pmd, 'pmd', i * 2 ** P.PGDIR_SHIFT);
        yield $('set_pgd(pgd, __pgd(__pa(pmd) + 0x1));');
        k.pmdPresent.add(`pgd${i}`);
        yield $('if (pmd != pmd_offset(pgd, 0))');
        if (PMD_MISPLACED) {
          yield $('printk("PAE BUG #02!\\n");');
        }
      }
      yield $('pmd = pmd_offset(pgd, vaddr);');
    } else {
      yield $('pmd = (pmd_t *)pgd;');
    }
    for (; (yield $('for (; (j < PTRS_PER_PMD) && (vaddr != end); pmd++, j++)')), j < P.PTRS_PER_PMD && vaddr !== end; j++) {
      yield $('if (pmd_none(*pmd))');
      const key = `${i}/${j}`;
      if (!k.pmdPresent.has(key)) {
        yield $('pte = (pte_t *) alloc_bootmem_low_pages(PAGE_SIZE);');
        pte = yield* alloc_bootmem_low_pages(k, 'fixrange_init pte');
        recordTable(k, pte, 'pte', vaddr);
        yield $('set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(pte)));');
        k.pmdPresent.add(key);
        yield $('if (pte != pte_offset(pmd, 0)) BUG();');
      }
      yield $('vaddr += PMD_SIZE;');
      vaddr = (vaddr + P.PMD_SIZE) % U32;
    }
    yield $('j = 0;');
    j = 0;
  }
}

/** pagetable_init: the direct map of low memory, then the fixmap and (HIGHMEM) kmap tables. */
// C: static void __init pagetable_init (void)
export function* pagetable_init(k: Kernel): Kgen<void> {
  const P = k.paging;
  let vaddr = 0, end = 0, i = 0, j = 0, kk = 0, pmd = 0, pte = 0;
  yield frame(() => ({ vaddr, end, i, j, k: kk, pmd, pte }));
  yield $('end = (unsigned long)__va(max_low_pfn*PAGE_SIZE);');
  end = __va(k.max_low_pfn * PAGE_SIZE) % U32;
  yield $('pgd_base = swapper_pg_dir;');
  if (k.CONFIG_X86_PAE) {
    for (i = 0; (yield $('for (i = 0; i < PTRS_PER_PGD; i++)')), i < P.PTRS_PER_PGD; i++) {
      yield $('pgd = pgd_base + i;');
      yield $('__pgd_clear(pgd);');
    }
  }
  yield $('i = __pgd_offset(PAGE_OFFSET);');
  i = Math.floor(PAGE_OFFSET / 2 ** P.PGDIR_SHIFT);
  yield $('pgd = pgd_base + i;', 2);
  for (; (yield $('for (; i < PTRS_PER_PGD; pgd++, i++)')), i < P.PTRS_PER_PGD; i++) {
    yield $('vaddr = i*PGDIR_SIZE;');
    vaddr = (i * 2 ** P.PGDIR_SHIFT) % U32;
    yield $('if (end && (vaddr >= end))');
    if (end && vaddr >= end) {
      yield $('break;');
      break;
    }
    if (k.CONFIG_X86_PAE) {
      yield $('pmd = (pmd_t *) alloc_bootmem_low_pages(PAGE_SIZE);');
      pmd = yield* alloc_bootmem_low_pages(k, 'pagetable_init pmd');
      recordTable(k, pmd, 'pmd', vaddr);
      yield $('set_pgd(pgd, __pgd(__pa(pmd) + 0x1));');
      k.pmdPresent.add(`pgd${i}`);
    } else {
      yield $('pmd = (pmd_t *)pgd;');
    }
    yield $('if (pmd != pmd_offset(pgd, 0)) BUG();');
    for (j = 0; (yield $('for (j = 0; j < PTRS_PER_PMD; pmd++, j++)')), j < P.PTRS_PER_PMD; j++) {
      yield $('vaddr = i*PGDIR_SIZE + j*PMD_SIZE;');
      vaddr = (i * 2 ** P.PGDIR_SHIFT + j * P.PMD_SIZE) % U32;
      yield $('if (end && (vaddr >= end))', 2);
      if (end && vaddr >= end) {
        yield $('break;', 2);
        break;
      }
      yield $('if (cpu_has_pse)');
      if (k.cpu_has_pse) {
        yield $('set_in_cr4(X86_CR4_PSE);');
        yield $('boot_cpu_data.wp_works_ok = 1;');
        yield $('__pe = _KERNPG_TABLE + _PAGE_PSE + __pa(vaddr);');
        yield $('if (cpu_has_pge)');
        yield $('set_in_cr4(X86_CR4_PGE);');
        yield $('__pe += _PAGE_GLOBAL;');
        yield $('set_pmd(pmd, __pmd(__pe));');
        k.pmdPresent.add(`${i}/${j}`);
        yield $('continue;');
        continue;
      }
      yield $('pte = (pte_t *) alloc_bootmem_low_pages(PAGE_SIZE);');
      pte = yield* alloc_bootmem_low_pages(k, 'pagetable_init pte');
      recordTable(k, pte, 'pte', vaddr);
      yield $('set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(pte)));');
      k.pmdPresent.add(`${i}/${j}`);
      yield $('if (pte != pte_offset(pmd, 0)) BUG();');
      // The pte loop only writes entries; the model keeps no pte contents.
      for (kk = 0; (yield $('for (k = 0; k < PTRS_PER_PTE; pte++, k++)')), kk < P.PTRS_PER_PTE; kk++) {
        yield $('vaddr = i*PGDIR_SIZE + j*PMD_SIZE + k*PAGE_SIZE;');
        vaddr = (i * 2 ** P.PGDIR_SHIFT + j * P.PMD_SIZE + kk * PAGE_SIZE) % U32;
        yield $('if (end && (vaddr >= end))', 3);
        if (end && vaddr >= end) {
          yield $('break;', 3);
          break;
        }
        yield $('*pte = mk_pte_phys(__pa(vaddr), PAGE_KERNEL);');
      }
    }
  }
  yield $('vaddr = __fix_to_virt(__end_of_fixed_addresses - 1) & PMD_MASK;');
  vaddr = Math.floor(__fix_to_virt(endOfFixedAddresses(k.CONFIG_HIGHMEM) - 1) / P.PMD_SIZE) * P.PMD_SIZE % U32;
  yield $('fixrange_init(vaddr, 0, pgd_base);');
  yield call(fixrange_init, k, vaddr, 0);
  if (k.CONFIG_HIGHMEM) {
    yield $('vaddr = PKMAP_BASE;');
    vaddr = PKMAP_BASE;
    yield $('fixrange_init(vaddr, vaddr + PAGE_SIZE*LAST_PKMAP, pgd_base);');
    yield call(fixrange_init, k, vaddr, vaddr + PAGE_SIZE * P.LAST_PKMAP);
    yield $('pgd = swapper_pg_dir + __pgd_offset(vaddr);');
    yield $('pmd = pmd_offset(pgd, vaddr);');
    yield $('pte = pte_offset(pmd, vaddr);');
    yield $('pkmap_page_table = pte;');
  }
  if (k.CONFIG_X86_PAE) {
    yield $('pgd_base[0] = pgd_base[USER_PTRS_PER_PGD];');
  }
}

/** kmap_init: caches the first kmap pte (no allocation). */
// C: void __init kmap_init(void)
export function* kmap_init(k: Kernel): Kgen<void> {
  let kmap_vstart = 0;
  yield frame(() => ({ kmap_vstart }));
  yield $('kmap_vstart = __fix_to_virt(FIX_KMAP_BEGIN);');
  kmap_vstart = __fix_to_virt(0);
  yield $('kmap_pte = kmap_get_fixmap_pte(kmap_vstart);');
  yield $('kmap_prot = PAGE_KERNEL;');
}

// C: void __init paging_init(void)
export function* paging_init(k: Kernel): Kgen<void> {
  const zones_size = [0, 0, 0];
  let max_dma = 0, high = 0, low = 0;
  yield frame(() => ({ zones_size, max_dma, high, low }));
  yield $('pagetable_init();');
  yield call(pagetable_init, k);
  yield $('__asm__( "movl %%ecx,%%cr3\\n" ::"c"(__pa(swapper_pg_dir)));');
  if (k.CONFIG_X86_PAE) {
    yield $('if (cpu_has_pae)');
    yield $('set_in_cr4(X86_CR4_PAE);');
  }
  yield $('__flush_tlb_all();');
  if (k.CONFIG_HIGHMEM) {
    yield $('kmap_init();');
    yield call(kmap_init, k);
  }
  yield $('unsigned long zones_size[MAX_NR_ZONES] = {0, 0, 0};');
  yield $('max_dma = virt_to_phys((char *)MAX_DMA_ADDRESS) >> PAGE_SHIFT;');
  max_dma = Math.floor(__pa(MAX_DMA_ADDRESS) / PAGE_SIZE);
  yield $('low = max_low_pfn;');
  low = k.max_low_pfn;
  yield $('high = highend_pfn;');
  high = k.highend_pfn;
  yield $('if (low < max_dma)');
  if (low < max_dma) {
    yield $('zones_size[ZONE_DMA] = low;');
    zones_size[ZONE_DMA] = low;
  } else {
    yield $('zones_size[ZONE_DMA] = max_dma;');
    zones_size[ZONE_DMA] = max_dma;
    yield $('zones_size[ZONE_NORMAL] = low - max_dma;');
    zones_size[ZONE_NORMAL] = low - max_dma;
    if (k.CONFIG_HIGHMEM) {
      yield $('zones_size[ZONE_HIGHMEM] = high - low;');
      zones_size[ZONE_HIGHMEM] = high - low;
    }
  }
  yield $('free_area_init(zones_size);');
  yield call(free_area_init, k, zones_size);
  yield $('return;');
}

/**
 * page_is_ram: is the pfn inside a usable E820 range (start rounded up, end down, both as
 * 32-bit pfns)? The ranges are worked out once per kernel; the answer is 2.4.0's.
 */
export function page_is_ram(k: Kernel, pagenr: number): boolean {
  const r = k.ramPfnRanges ?? (k.ramPfnRanges = ramPfnRanges(k));
  for (let i = 0; i < r.length; i += 2) {
    if (pagenr >= r[i] && pagenr < r[i + 1]) return true;
  }
  return false;
}

function ramPfnRanges(k: Kernel): Float64Array {
  const out: number[] = [];
  for (const e of k.e820) {
    if (e.type !== E820_RAM) continue;
    out.push(Math.floor((e.addr + PAGE_SIZE - 1) / PAGE_SIZE) % U32, Math.floor((e.addr + e.size) / PAGE_SIZE) % U32);
  }
  return Float64Array.from(out);
}

// C: void __init mem_init(void)
export function* mem_init(k: Kernel): Kgen<void> {
  let codesize = 0, reservedpages = 0, datasize = 0, initsize = 0, tmp = 0, page = 0;
  yield frame(() => ({ codesize, reservedpages, datasize, initsize, tmp, page }));
  yield $('if (!mem_map) BUG();');
  if (!k.mem_map) throw new KernelBug(FILE, 'mem_init', 'mem_map is NULL');
  if (k.CONFIG_HIGHMEM) {
    yield $('highmem_start_page = mem_map + highstart_pfn;');
    yield $('max_mapnr = num_physpages = highend_pfn;');
    k.max_mapnr = k.num_physpages = k.highend_pfn;
  } else {
    yield $('max_mapnr = num_physpages = max_low_pfn;');
    k.max_mapnr = k.num_physpages = k.max_low_pfn;
  }
  yield $('high_memory = (void *) __va(max_low_pfn * PAGE_SIZE);');
  k.high_memory = __va(k.max_low_pfn * PAGE_SIZE);
  yield $('memset(empty_zero_page, 0, PAGE_SIZE);');
  yield $('totalram_pages += free_all_bootmem();');
  k.totalram_pages += yield call(free_all_bootmem, k);
  yield $('reservedpages = 0;');
  reservedpages = 0;
  for (tmp = 0; (yield $('for (tmp = 0; tmp < max_low_pfn; tmp++)')), tmp < k.max_low_pfn; tmp++) {
    yield $('if (page_is_ram(tmp) && PageReserved(mem_map+tmp))');
    if (page_is_ram(k, tmp) && k.page_flags[tmp] & (1 << PG_reserved)) {
      yield $('reservedpages++;');
      reservedpages++;
    }
  }
  if (k.CONFIG_HIGHMEM) {
    for (tmp = k.highstart_pfn; (yield $('for (tmp = highstart_pfn; tmp < highend_pfn; tmp++)')), tmp < k.highend_pfn; tmp++) {
      yield $('struct page *page = mem_map + tmp;');
      page = tmp;
      yield $('if (!page_is_ram(tmp))');
      if (!page_is_ram(k, tmp)) {
        yield $('SetPageReserved(page);');
        k.page_flags[page] |= 1 << PG_reserved;
        yield $('continue;');
        continue;
      }
      yield $('ClearPageReserved(page);');
      k.page_flags[page] &= ~(1 << PG_reserved);
      yield $('set_bit(PG_highmem, &page->flags);');
      k.page_flags[page] |= 1 << PG_highmem;
      yield $('atomic_set(&page->count, 1);');
      k.page_count[page] = 1;
      yield $('__free_page(page);');
      yield call(__free_page, k, page);
      yield $('totalhigh_pages++;');
      k.totalhigh_pages++;
    }
    yield $('totalram_pages += totalhigh_pages;');
    k.totalram_pages += k.totalhigh_pages;
  }
  const img = k.machine.kernel;
  yield $('codesize = (unsigned long) &_etext - (unsigned long) &_text;');
  codesize = img.etext - img.text;
  yield $('datasize = (unsigned long) &_edata - (unsigned long) &_etext;');
  datasize = img.edata - img.etext;
  yield $('initsize = (unsigned long) &__init_end - (unsigned long) &__init_begin;');
  initsize = img.init_end - img.init_begin;
  yield $('printk("Memory: %luk/%luk available (%dk kernel code, %dk reserved, %dk data, %dk init, %ldk highmem)\\n", (unsigned long) nr_free_pages() << (PAGE_SHIFT-10), max_mapnr << (PAGE_SHIFT-10), codesize >> 10, reservedpages << (PAGE_SHIFT-10), datasize >> 10, initsize >> 10, (unsigned long) (totalhigh_pages << (PAGE_SHIFT-10)));');
  const free: number = yield call(nr_free_pages, k);
  k.printk(`Memory: ${free * 4}k/${k.max_mapnr * 4}k available (${codesize >> 10}k kernel code, ${reservedpages * 4}k reserved, ${datasize >> 10}k data, ${initsize >> 10}k init, ${k.totalhigh_pages * 4}k highmem)`);
  if (k.CONFIG_X86_PAE) {
    yield $('if (!cpu_has_pae)');
    if (!k.CONFIG_X86_PAE) {
      // Never taken: a PAE kernel runs on a PAE CPU here.
      yield $('panic("cannot execute a PAE-enabled kernel on a PAE-less CPU!");');
    }
  }
  // PSE CPUs have wp_works_ok set by pagetable_init; without PSE it is tested here.
  yield $('if (boot_cpu_data.wp_works_ok < 0)');
  if (!k.cpu_has_pse) {
    yield $('test_wp_bit();');
  }
  yield $('zap_low_mappings();');
  k.booted = true;
}
