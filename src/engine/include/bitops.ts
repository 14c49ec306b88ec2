// asm-i386/bitops.h on byte arrays: bit nr lives in byte nr >> 3, bit nr & 7, which is where
// the i386's little-endian 32-bit bit operations put it.

export function test_bit(nr: number, map: Uint8Array): boolean {
  return (map[nr >>> 3] & (1 << (nr & 7))) !== 0;
}
export function set_bit(nr: number, map: Uint8Array): void {
  map[nr >>> 3] |= 1 << (nr & 7);
}
export function clear_bit(nr: number, map: Uint8Array): void {
  map[nr >>> 3] &= ~(1 << (nr & 7));
}
export function change_bit(nr: number, map: Uint8Array): void {
  map[nr >>> 3] ^= 1 << (nr & 7);
}
export function test_and_set_bit(nr: number, map: Uint8Array): boolean {
  const m = 1 << (nr & 7);
  const old = map[nr >>> 3];
  map[nr >>> 3] = old | m;
  return (old & m) !== 0;
}
export function test_and_clear_bit(nr: number, map: Uint8Array): boolean {
  const m = 1 << (nr & 7);
  const old = map[nr >>> 3];
  map[nr >>> 3] = old & ~m;
  return (old & m) !== 0;
}
export function test_and_change_bit(nr: number, map: Uint8Array): boolean {
  const m = 1 << (nr & 7);
  const old = map[nr >>> 3];
  map[nr >>> 3] = old ^ m;
  return (old & m) !== 0;
}

/** The first set bit in [from, to), or -1: how the model scans a bootmem bitmap in bulk. */
export function find_next_set_bit(map: Uint8Array, from: number, to: number): number {
  let nr = from;
  while (nr < to && (nr & 7) !== 0) {
    if (test_bit(nr, map)) return nr;
    nr++;
  }
  while (nr + 8 <= to) {
    const b = map[nr >>> 3];
    if (b !== 0) return nr + (31 - Math.clz32(b & -b));
    nr += 8;
  }
  while (nr < to) {
    if (test_bit(nr, map)) return nr;
    nr++;
  }
  return -1;
}
