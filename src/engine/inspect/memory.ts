// Bytes of kernel memory the model can show, for a debugger's hex view (DAP readMemory):
// the bootmem bitmap, each zone's buddy bitmaps, and mem_map laid out as 2.4.0's i386
// struct page (64 bytes: list, mapping, index, next_hash, count, flags, lru, age, wait,
// pprev_hash, buffers, virtual, zone). Other addresses read as unknown (null).

import { SIZEOF } from '../include/mmzone';
import { PAGE_SIZE, __va } from '../include/page';
import type { Kernel } from '../state';
import { zoneAddr } from './values';

const FREE_AREA_OFF = 48;

function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

/** The 64 bytes of mem_map[i]. */
export function structPageBytes(k: Kernel, i: number): Uint8Array {
  const b = new Uint8Array(SIZEOF.page);
  const link = (j: number): number => {
    if (j < k.npages) return k.mem_map + j * SIZEOF.page;
    const h = j - k.npages;
    return zoneAddr(k.zones[Math.floor(h / 10)]) + FREE_AREA_OFF + (h % 10) * SIZEOF.free_area_t;
  };
  const self = k.mem_map + i * SIZEOF.page;
  put32(b, 0, link(k.next[i]));
  put32(b, 4, link(k.prev[i]));
  put32(b, 20, k.page_count[i]);
  put32(b, 24, k.page_flags[i]);
  // lru and wait are empty lists pointing at themselves.
  put32(b, 28, self + 28);
  put32(b, 32, self + 28);
  put32(b, 40, self + 40);
  put32(b, 44, self + 40);
  const z = k.page_zone[i];
  put32(b, 56, z === 2 || z === 255 ? 0 : __va(i * PAGE_SIZE));
  put32(b, 60, z === 255 ? 0 : zoneAddr(k.zones[z]));
  return b;
}

/** Reads `count` bytes at kernel virtual `addr`; null for each byte the model does not hold. */
export function readMemory(k: Kernel, addr: number, count: number): (number | null)[] {
  const out: (number | null)[] = new Array(count).fill(null);
  const regions: { start: number; bytes: (off: number) => number }[] = [];
  if (k.bdata.node_bootmem_map || k.bootmem_map.length) {
    const start = k.bdata.node_bootmem_map || __va(k.setup.start_pfn * PAGE_SIZE);
    regions.push({ start, bytes: (off) => (off < k.bootmem_map.length ? k.bootmem_map[off] : -1) });
  }
  for (const z of k.zones) {
    for (const a of z.free_area) {
      if (a.map_addr) regions.push({ start: a.map_addr, bytes: (off) => (off < a.map.length ? a.map[off] : -1) });
    }
  }
  if (k.mem_map && k.npages) {
    let cache = -1;
    let page: Uint8Array | null = null;
    regions.push({
      start: k.mem_map,
      bytes: (off) => {
        const i = Math.floor(off / SIZEOF.page);
        if (i >= k.npages) return -1;
        if (i !== cache) {
          page = structPageBytes(k, i);
          cache = i;
        }
        return page![off % SIZEOF.page];
      },
    });
  }
  for (let n = 0; n < count; n++) {
    const a = addr + n;
    for (const r of regions) {
      if (a < r.start) continue;
      const v = r.bytes(a - r.start);
      if (v >= 0) {
        out[n] = v;
        break;
      }
    }
  }
  return out;
}
