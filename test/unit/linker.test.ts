// The linker: every code line of the user's seed notes and of the engine's listings links to
// the engine; the matching rules on tricky lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkText } from '../../src/source/linker';

const root = join(__dirname, '..', '..');
const seed = readFileSync(join(root, 'media', 'walkthrough', 'mm-2.4-notes.md'), 'utf8');
const seedLines = seed.split('\n');
const at = (text: string) => seedLines.findIndex((l) => l.includes(text));

function listings(dir = join(root, 'media', 'listings')): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listings(p) : [p];
  });
}

describe('coverage', () => {
  it('links every code line of the seed notes', () => {
    const r = linkText(seed, { markdown: true });
    expect([...r.unlinked].map(([l, why]) => `${l + 1}: ${seedLines[l].trim()} — ${why}`)).toEqual([]);
    expect(r.codeLines.length).toBeGreaterThan(120);
  });
  it.each(listings().map((p) => [p.slice(root.length + 1), p]))('links every code line of %s', (_n, path) => {
    const text = readFileSync(path, 'utf8');
    const r = linkText(text);
    expect([...r.unlinked].map(([l, why]) => `${l + 1}: ${text.split('\n')[l].trim()} — ${why}`)).toEqual([]);
  });
});

describe('matching rules', () => {
  const r = linkText(seed, { markdown: true });
  it('links a statement with a comment after it to its probe in the enclosing function', () => {
    expect(r.links.get(at('bitmap_size = (bitmap_size + 7) >> 3;'))).toEqual({ kind: 'probe', fn: 'free_area_init_core', text: 'bitmap_size = (bitmap_size + 7) >> 3;', occurrence: 1 });
  });
  it('links a bare call-tree name to the function, and a macro to its statement', () => {
    expect(r.links.get(at('free_area_init_core') )).toEqual({ kind: 'function', fn: 'free_area_init_core' });
    expect(r.links.get(seedLines.findIndex((l) => l.trim() === 'MARK_USED'))).toMatchObject({ kind: 'partial', fn: 'rmqueue' });
  });
  it('links a safe part of one statement as partial: highend_pfn = max_pfn; and test_and_clear_bit(...)', () => {
    expect(r.links.get(at('highend_pfn = max_pfn;'))).toMatchObject({ kind: 'partial', fn: 'setup_arch', text: 'highstart_pfn = highend_pfn = max_pfn;' });
    expect(r.links.get(at('test_and_clear_bit(i, bdata->node_bootmem_map)'))).toMatchObject({ kind: 'partial', fn: 'free_bootmem_core' });
  });
  it('tells repeated statements apart by their order in the function', () => {
    const js = seedLines.map((l, i) => [l.trim(), i] as const).filter(([l]) => l === 'zonelist->zones[j++] = zone;').map(([, i]) => r.links.get(i)?.occurrence);
    expect(js).toEqual([1, 2, 3]);
  });
  it('joins a statement over several lines and reads for headers as probes', () => {
    const t = linkText('static void __init reserve_bootmem_core(bootmem_data_t *bdata, unsigned long addr, unsigned long size)\n{\n\tunsigned long eidx = (addr + size - bdata->node_boot_start +\n\t\t\t\t\t\t\tPAGE_SIZE-1)/PAGE_SIZE;\n\tfor (i = sidx; i < eidx; i++)\n\t\tif (test_and_set_bit(i, bdata->node_bootmem_map))\n}\n');
    expect(t.links.get(2)).toMatchObject({ kind: 'probe', fn: 'reserve_bootmem_core' });
    expect(t.links.get(3)).toEqual(t.links.get(2));
    expect(t.links.get(4)).toMatchObject({ kind: 'probe', text: 'for (i = sidx; i < eidx; i++)' });
  });
  it('links a line that could be two statements to neither, and says why', () => {
    const t = linkText('rmqueue\n\tBAD_RANGE(zone,page)\n', { markdown: false });
    const why = t.unlinked.get(1) ?? '';
    expect(t.links.has(1)).toBe(false);
    expect(why).toMatch(/part of 2 statements of rmqueue|could be either|no statement/);
  });
  it('treats prose and tables inside a code block as prose, not code', () => {
    expect(r.codeLines).not.toContain(at('0x00-0x07 NORMAL; 0x08-0x0f DMA; 0x10-0x17 HIGHMEM'));
    expect(r.codeLines).not.toContain(at('每 8 个配置为一个类型的 zone'));
  });
  it('leaves a statement of another kernel version unlinked rather than linking it wrongly', () => {
    const t = linkText('static struct page * rmqueue(zone_t *zone, unsigned long order)\n{\n\tpage = expand(zone, page, index, order, curr_order, area, migratetype);\n}\n');
    expect(t.links.has(2)).toBe(false);
    expect(t.unlinked.get(2)).toMatch(/rmqueue/);
  });
});
