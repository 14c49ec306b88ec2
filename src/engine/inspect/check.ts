// The allocator's invariants, checked over the whole state (O(pages)): free blocks aligned,
// inside their zone and disjoint from each other and from used pages; free_pages equal to the
// lists; every buddy bit below order 9 equal to the XOR of its pair's freeness, as 2.4.0 keeps
// it (order-9 bits drift in 2.4.0: rmqueue flips them, __free_pages_ok never does); counts,
// reserved flags and list links consistent. Returns the violations, empty when all hold.

import { test_bit } from '../include/bitops';
import { PG_reserved } from '../include/mm';
import { MAX_ORDER } from '../include/mmzone';
import type { Kernel } from '../state';
import { blockContaining } from './report';

const FREE = 1;
const USED = 2;

/** A scratch map per kernel: which pages the check has seen in a free or an allocated block. */
const marks = new WeakMap<Kernel, Uint8Array>();

export function checkInvariants(k: Kernel): string[] {
  const bad: string[] = [];
  const say = (s: string): void => {
    if (bad.length < 200) bad.push(s);
  };
  const n = k.npages;
  let mark = marks.get(k);
  if (!mark || mark.length !== n) marks.set(k, (mark = new Uint8Array(n)));
  else mark.fill(0);
  // Allocated blocks (handed out by alloc_pages).
  for (let p = 0; p < n; p++) {
    const o = k.alloc_order[p];
    if (o < 0) continue;
    if (k.page_count[p] !== 1) say(`allocated block ${p} (order ${o}) has count ${k.page_count[p]}, not 1`);
    for (let q = p; q < p + (1 << o) && q < n; q++) {
      if (mark[q]) say(`allocated block ${p} overlaps another at page ${q}`);
      mark[q] = USED;
    }
  }
  for (const z of k.zones) {
    if (!z.size) continue;
    let sum = 0;
    for (let o = 0; o < MAX_ORDER; o++) {
      const head = z.free_area[o].head;
      let steps = 0;
      for (let p = k.next[head], prev = head; p !== head; prev = p, p = k.next[p]) {
        if (++steps > n) {
          say(`${z.name} free_area[${o}]: the list does not return to its head`);
          break;
        }
        if (k.prev[p] !== prev) say(`${z.name} free_area[${o}]: page ${p}'s prev link is ${k.prev[p]}, not ${prev}`);
        const idx = p - z.offset;
        if (p < z.offset || p + (1 << o) > z.offset + z.size) say(`${z.name} free_area[${o}]: block ${p} lies outside the zone`);
        if (idx & ((1 << o) - 1)) say(`${z.name} free_area[${o}]: block ${p} is not aligned to order ${o}`);
        if (k.free_order[p] !== o) say(`block ${p} is on free_area[${o}] but recorded as order ${k.free_order[p]}`);
        sum += 1 << o;
        for (let q = p; q < p + (1 << o) && q < n; q++) {
          if (mark[q] === FREE) say(`free block ${p} (order ${o}) overlaps another free block at page ${q}`);
          else if (mark[q] === USED) say(`free block ${p} (order ${o}) overlaps an allocated page ${q}`);
          mark[q] = FREE;
          if (k.page_flags[q] & (1 << PG_reserved)) say(`free page ${q} is PG_reserved`);
          if (q === p ? k.page_count[q] !== 0 : k.page_count[q] !== 0) say(`free page ${q} has count ${k.page_count[q]}`);
          if (k.page_zone[q] !== z.index) say(`free page ${q} is not in zone ${z.name}`);
        }
      }
    }
    if (sum !== z.free_pages) say(`${z.name}: free_pages is ${z.free_pages} but its lists hold ${sum}`);
    checkBits(k, z.index, say);
  }
  for (let p = 0; p < n; p++) {
    if (mark[p] === 0 && !(k.page_flags[p] & (1 << PG_reserved)) && k.page_count[p] === 0 && k.free_order[p] < 0) {
      // A page neither free, nor allocated, nor reserved: lost to the allocator.
      if (!blockContaining(k, k.alloc_order, p)) say(`page ${p} is neither free, allocated nor reserved`);
    }
  }
  return bad;
}

function checkBits(k: Kernel, zi: number, say: (s: string) => void): void {
  const z = k.zones[zi];
  const fo = k.free_order;
  const base = z.offset;
  for (let o = 0; o < MAX_ORDER - 1; o++) {
    const map = z.free_area[o].map;
    const blocks = Math.ceil(z.size / (1 << o));
    for (let byte = 0; byte < map.length; byte++) {
      let want = 0;
      for (let b = 0; b < 8; b++) {
        const left = 2 * (byte * 8 + b);
        const l = left < blocks && fo[base + (left << o)] === o;
        const r = left + 1 < blocks && fo[base + ((left + 1) << o)] === o;
        if (l !== r) want |= 1 << b;
      }
      if (want !== map[byte]) {
        for (let b = 0; b < 8; b++) {
          if (((want ^ map[byte]) >> b) & 1) {
            const nr = byte * 8 + b;
            say(`${z.name} free_area[${o}].map bit ${nr} is ${test_bit(nr, map) ? 1 : 0}, but it should be the XOR of blocks ${base + ((2 * nr) << o)} and ${base + ((2 * nr + 1) << o)}`);
          }
        }
      }
    }
  }
}
