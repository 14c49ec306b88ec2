// linux/mmzone.h and the zone tables of mm/page_alloc.c.

export const MAX_ORDER = 10;
export const ZONE_DMA = 0;
export const ZONE_NORMAL = 1;
export const ZONE_HIGHMEM = 2;
export const MAX_NR_ZONES = 3;
export const NR_GFPINDEX = 0x100;

export const zone_names = ['DMA', 'Normal', 'HighMem'] as const;
export const zone_balance_ratio = [32, 128, 128] as const;
export const zone_balance_min = [10, 10, 10] as const;
export const zone_balance_max = [255, 255, 255] as const;

/** LONG_ALIGN of mm/page_alloc.c with 4-byte longs. */
export const LONG_ALIGN = (x: number): number => (x + 3) & ~3;

/** sizeof of the i386 2.4.0 structures with an empty spinlock_t (gcc >= 3, UP). */
export const SIZEOF = {
  page: 64,
  free_area_t: 12,
  zone_t: 180,
  zonelist_t: 20,
  pg_data_t: 5692,
  bootmem_data_t: 20,
  resource: 28,
} as const;
