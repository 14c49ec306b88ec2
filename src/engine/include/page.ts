// asm-i386/page.h, pgtable*.h, fixmap.h, highmem.h: the i386 address-space constants 2.4.0 uses.
// Physical addresses can exceed 32 bits with PAE, so they are plain numbers; never use `<<`
// on a page frame number (2^31 overflows an int32): use PFN_PHYS.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const PAGE_MASK_LOW = PAGE_SIZE - 1; // ~PAGE_MASK
export const PAGE_OFFSET = 0xc0000000;
export const VMALLOC_RESERVE = 128 << 20;
export const MAXMEM = 0x1_0000_0000 - PAGE_OFFSET - VMALLOC_RESERVE; // -PAGE_OFFSET-VMALLOC_RESERVE
export const MAXMEM_PFN = MAXMEM / PAGE_SIZE; // 0x38000
export const MAX_NONPAE_PFN = 1 << 20;
export const HIGH_MEMORY = 1024 * 1024;
export const MAX_DMA_ADDRESS = PAGE_OFFSET + 0x1000000;
export const FIXADDR_TOP = 0xffffe000;
export const PKMAP_BASE = 0xfe000000;
/** SMP_CACHE_BYTES = L1_CACHE_BYTES on a 686-class CPU. */
export const SMP_CACHE_BYTES = 32;

export const PFN_UP = (x: number): number => Math.floor((x + PAGE_SIZE - 1) / PAGE_SIZE);
export const PFN_DOWN = (x: number): number => Math.floor(x / PAGE_SIZE);
export const PFN_PHYS = (x: number): number => x * PAGE_SIZE;
export const __pa = (v: number): number => v - PAGE_OFFSET;
export const __va = (p: number): number => p + PAGE_OFFSET;

/** The paging geometry of a configuration: 2-level, or 3-level with PAE. */
export interface Paging {
  readonly PGDIR_SHIFT: number;
  readonly PTRS_PER_PGD: number;
  readonly PMD_SHIFT: number;
  readonly PTRS_PER_PMD: number;
  readonly PTRS_PER_PTE: number;
  readonly PMD_SIZE: number;
  readonly LAST_PKMAP: number;
}

export const PAGING_2LEVEL: Paging = {
  PGDIR_SHIFT: 22, PTRS_PER_PGD: 1024, PMD_SHIFT: 22, PTRS_PER_PMD: 1, PTRS_PER_PTE: 1024,
  PMD_SIZE: 1 << 22, LAST_PKMAP: 1024,
};
export const PAGING_3LEVEL: Paging = {
  PGDIR_SHIFT: 30, PTRS_PER_PGD: 4, PMD_SHIFT: 21, PTRS_PER_PMD: 512, PTRS_PER_PTE: 512,
  PMD_SIZE: 1 << 21, LAST_PKMAP: 512,
};

/** fixmap.h on UP without APICs: only HIGHMEM adds slots (KM_TYPE_NR 2 x NR_CPUS 1). */
export const endOfFixedAddresses = (highmem: boolean): number => (highmem ? 2 : 0);
export const __fix_to_virt = (x: number): number => FIXADDR_TOP - x * PAGE_SIZE;
