// The seed's claims, checked against the engine: what holds, what the engine computes where
// a claim is off (the mask table, "为3，表示分配 4 pages"), and where a claim depends on the machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { presetMachine } from '../../src/engine/machine';
import { checkClaims } from '../../src/source/claims';
import { linkText } from '../../src/source/linker';

const seed = readFileSync(join(__dirname, '..', '..', 'media', 'walkthrough', 'mm-2.4-notes.md'), 'utf8');
const lines = seed.split('\n');
const linked = linkText(seed, { markdown: true });
const claims = checkClaims(seed, linked, Engine.boot(presetMachine('pc-2g-highmem')).k);
const on = (needle: string) => claims.filter((c) => lines[c.line].includes(needle));

describe('claims of the seed notes', () => {
  it('checks the constants it states (page.h, setup.c defines)', () => {
    expect(on('MAXMEM_PFN = 0x38000000 >> 12 = 0x38000').map((c) => c.holds)).toEqual([true]);
    expect(on('MAX_DMA_ADDRESS = 0xC1000000')[0].holds).toBe(true);
    expect(on('#define HIGH_MEMORY')[0].holds).toBe(true);
    expect(on('256 = 0x100')[0].holds).toBe(true);
  });
  it('finds the mask table off by one: mask is doubled before use (free_area_init_core)', () => {
    const rows = claims.filter((c) => /^(mask|~mask|-\(mask\)):/.test(c.text));
    expect(rows.length).toBe(4);
    expect(rows.every((c) => c.holds === false)).toBe(true);
    expect(rows[0].engine).toMatch(/mask = -2, -4, -8, -16, -32, -64/);
    // Above `mask += mask;` the same values are right: that is mask before the doubling.
    expect(on('// -1, -2, -4, -8, -16, -32, ...')[0].holds).toBe(true);
  });
  it('checks orders by allocating: order 3 takes 8 pages, not 4', () => {
    const orders = claims.filter((c) => c.text.includes('表示分配'));
    expect(orders.map((c) => c.holds)).toEqual([true, true, false, true]);
    expect(orders[2].engine).toBe('alloc_pages(GFP_KERNEL, 3) takes 8 pages');
  });
  it('checks both gfp index -> zone tables, each on a machine of its kind', () => {
    const table = claims.filter((c) => /^0x[0-9a-f]{2}-0x/.test(c.text));
    expect(table.length).toBe(32);
    expect(table.every((c) => c.holds)).toBe(true);
    expect(table[0].machines).toMatch(/no HIGHMEM/);
    expect(table[31].machines).toMatch(/pc-2g-highmem/);
  });
  it('says on which machines a lowmem claim holds', () => {
    const c = on('lowmem:  0x00000000-0x38000000')[0];
    expect(c.holds).toBe(true);
    expect(c.machines).toMatch(/holds on pc-896m, pc-2g-highmem, not on pc-16m, pc-64m/);
  });
  it('checks every line of the notes that states a number (bar headings and paths)', () => {
    const claimed = new Set(claims.map((c) => c.line));
    const ignore = /linux v2\.4|4G\/PAE|arch\/i386|empty_zero_page 的|struct e820map|e820 最大|i:\s+0\s+1/;
    const missing = lines.map((l, i) => [l, i] as const).filter(([l, i]) => {
      const comment = linked.codeLines.includes(i) ? (l.split('//')[1] ?? '') : l;
      return /\d/.test(comment) && !ignore.test(l) && !claimed.has(i) && !/^\s*```/.test(l);
    });
    expect(missing.map(([l, i]) => `${i + 1}: ${l.trim()}`)).toEqual([]);
  });
});
