// gfp masks both ways: "GFP_KERNEL|GFP_DMA" (names, numbers, `|`) to a zonelist index, and an
// index back to its flags and the named masks equal to it. __GFP_HIGHMEM is 0 without HIGHMEM,
// exactly as mm.h makes it.

import { RequestError } from '../errors';
import { NR_GFPINDEX } from '../include/mmzone';
import { gfpFlags, gfpNames } from '../include/mm';

export function parseGfp(spec: number | string, highmem: boolean): number {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec >= NR_GFPINDEX) {
      throw new RequestError(`gfp_mask ${spec} is outside 0..255: 2.4.0 indexes node_zonelists[${NR_GFPINDEX}] with it`, 'gfp_mask');
    }
    return spec;
  }
  const names = new Map(gfpNames(highmem));
  let mask = 0;
  const parts = spec.split('|').map((s) => s.trim());
  for (const part of parts) {
    if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(part)) mask |= Number(part);
    else if (names.has(part)) mask |= names.get(part)!;
    else {
      const known = [...names.keys()].join(', ');
      throw new RequestError(`unknown gfp name "${part}" in "${spec}"; known: ${known}`, 'gfp_mask');
    }
  }
  if (mask >= NR_GFPINDEX) throw new RequestError(`gfp_mask "${spec}" = 0x${mask.toString(16)} is outside 0..255`, 'gfp_mask');
  return mask;
}

export interface GfpDecoded {
  mask: number;
  /** The __GFP_* flags set, e.g. `__GFP_WAIT|__GFP_IO`; "0" if none. */
  flags: string;
  /** The GFP_* masks equal to it. */
  names: string[];
}

export function decodeGfp(mask: number, highmem: boolean): GfpDecoded {
  const f = gfpFlags(highmem);
  const bits: string[] = [];
  for (const [name, bit] of Object.entries(f)) if (bit && mask & bit) bits.push(name);
  const rest = mask & ~Object.values(f).reduce((a, b) => a | b, 0);
  if (rest) bits.push(`0x${rest.toString(16)}`);
  const names = gfpNames(highmem).filter(([n, v]) => n.startsWith('GFP_') && v === mask).map(([n]) => n);
  return { mask, flags: bits.length ? bits.join('|') : '0', names };
}
