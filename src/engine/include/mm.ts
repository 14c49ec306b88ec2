// linux/mm.h: page flag bits and the gfp masks, and naming masks both ways.

export const PG_referenced = 2;
export const PG_dirty = 4;
export const PG_highmem = 12;
export const PG_reserved = 31;

export const __GFP_WAIT = 0x01;
export const __GFP_HIGH = 0x02;
export const __GFP_IO = 0x04;
export const __GFP_DMA = 0x08;
/** 0x10 with CONFIG_HIGHMEM, 0 without: see gfpFlags(). */
export const __GFP_HIGHMEM_BIT = 0x10;

export interface GfpFlags {
  readonly __GFP_WAIT: number;
  readonly __GFP_HIGH: number;
  readonly __GFP_IO: number;
  readonly __GFP_DMA: number;
  readonly __GFP_HIGHMEM: number;
}

export function gfpFlags(highmem: boolean): GfpFlags {
  return { __GFP_WAIT, __GFP_HIGH, __GFP_IO, __GFP_DMA, __GFP_HIGHMEM: highmem ? __GFP_HIGHMEM_BIT : 0 };
}

/** The named masks of mm.h, in the order mm.h defines them. */
export function gfpNames(highmem: boolean): ReadonlyArray<readonly [string, number]> {
  const H = highmem ? __GFP_HIGHMEM_BIT : 0;
  return [
    ['GFP_BUFFER', __GFP_HIGH | __GFP_WAIT],
    ['GFP_ATOMIC', __GFP_HIGH],
    ['GFP_USER', __GFP_WAIT | __GFP_IO],
    ['GFP_HIGHUSER', __GFP_WAIT | __GFP_IO | H],
    ['GFP_KERNEL', __GFP_HIGH | __GFP_WAIT | __GFP_IO],
    ['GFP_NFS', __GFP_HIGH | __GFP_WAIT | __GFP_IO],
    ['GFP_KSWAPD', __GFP_IO],
    ['GFP_DMA', __GFP_DMA],
    ['GFP_HIGHMEM', H],
    ['__GFP_WAIT', __GFP_WAIT],
    ['__GFP_HIGH', __GFP_HIGH],
    ['__GFP_IO', __GFP_IO],
    ['__GFP_DMA', __GFP_DMA],
    ['__GFP_HIGHMEM', H],
  ];
}
