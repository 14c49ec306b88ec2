// The view models (src/views): what the Zones, Zonelists and E820 & bootmem trees hold for
// presets and after known requests, what is marked as changed, and what the current
// statement's stack puts in focus. No VS Code: the models are pure.
import { beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { presetMachine } from '../../src/engine/machine';
import { ChangeTracker, type L10n, type ModelContext, type Node } from '../../src/views/node';
import { currentPublication, publishEngine, publishKernel, resetPublications, type Publication } from '../../src/views/model';
import { zonesRoots } from '../../src/views/zonesModel';
import { NO_FILTER, zonelistsRoots } from '../../src/views/zonelistsModel';
import { bootmemRoots } from '../../src/views/bootmemModel';
import { pageStates } from '../../src/views/pagemap';

/** vscode.l10n.t's English behaviour: the message with {n} replaced. */
const en: L10n = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

const tracker = new ChangeTracker();
const ctx = (pub: Publication = currentPublication()!): ModelContext => ({ pub, l10n: en, tracker });
const kids = (n: Node): Node[] => n.children?.() ?? [];
const find = (nodes: Node[], label: string): Node => {
  const n = nodes.find((x) => x.label === label);
  if (!n) throw new Error(`no "${label}" among ${nodes.map((x) => x.label).join(', ')}`);
  return n;
};
const row = (n: Node): [string, string | undefined] => [n.label, n.description];
const boot = (name: string): Engine => {
  const e = Engine.boot(presetMachine(name));
  publishEngine(e, 'boot');
  return e;
};
const zone = (name: string): Node => find(kids(zonesRoots(ctx())[0]), name);

beforeEach(() => resetPublications());

describe('Zones view', () => {
  it('holds pc-2g-highmem\'s three zones as paging_init sizes them (4096/225280/294912 pages)', () => {
    boot('pc-2g-highmem');
    const [root] = zonesRoots(ctx());
    expect(row(root)).toEqual(['contig_page_data', 'pc-2g-highmem · 524288 pages in mem_map']);
    expect(kids(root).filter((n) => n.kind === 'zone').map(row)).toEqual([
      ['DMA', '4096 pages · 3482 free'],
      ['Normal', '225280 pages · 217055 free'],
      ['HighMem', '294912 pages · 294912 free'],
    ]);
    expect(kids(root).filter((n) => n.kind === 'field').map(row)).toEqual([
      ['node_mem_map', '0xc1000000'],
      ['node_start_paddr', '0x00000000'],
      ['node_start_mapnr', '0'],
      ['node_size', '524288 pages (2 GB)'],
    ]);
  });

  it('lists each zone\'s fields and free_area[0..9] as free_area_init_core and mem_init leave them', () => {
    boot('pc-2g-highmem');
    const normal = kids(zone('Normal'));
    expect(normal.filter((n) => n.kind === 'field').map(row)).toEqual([
      ['offset', '4096'],
      ['size', '225280 pages (880 MB)'],
      ['free_pages', '217055 pages (847.9 MB)'],
      ['pages_min', '255'],
      ['pages_low', '510'],
      ['pages_high', '765'],
      ['inactive_clean_pages', '0'],
      ['zone_mem_map', '0xc1040000'], // mem_map + 4096 struct pages of 64 bytes
      ['zone_start_paddr', '0x01000000'],
      ['zone_start_mapnr', '4096'],
    ]);
    const areas = normal.filter((n) => n.kind === 'freeArea');
    expect(areas.map((n) => n.label)).toEqual([...Array(10).keys()].map((o) => `free_area[${o}]`));
    expect(areas.map((n) => n.description)).toEqual([
      '1 blocks · 1 pages', '1 blocks · 2 pages', '1 blocks · 4 pages', '1 blocks · 8 pages', '1 blocks · 16 pages',
      '0 blocks · 0 pages', '1 blocks · 64 pages', '1 blocks · 128 pages', '1 blocks · 256 pages', '423 blocks · 216576 pages',
    ]);
    expect(kids(zone('HighMem')).find((n) => n.label === 'free_area[9]')!.description).toBe('576 blocks · 294912 pages');
  });

  it('after alloc_pages(GFP_KERNEL, 0) on pc-64m: the order-1 block 4354 is split, 4354 goes to order 0, 4355 is handed out', () => {
    const e = boot('pc-64m');
    const area = (o: number): Node => kids(zone('Normal')).find((n) => n.label === `free_area[${o}]`)!;
    const list = (o: number): Node => find(kids(area(o)), 'free_list');
    expect(kids(list(1)).map((n) => n.label)).toEqual(['pfn 4354']);
    expect(list(0).children).toBeUndefined();
    const pfn = e.alloc('GFP_KERNEL', 0);
    expect(pfn).toBe(4355);
    publishEngine(e, 'request', [{ pfn: 4355, pages: 1, kind: 'alloc' }]);
    expect(list(1).description).toBe('0 blocks');
    expect(list(1).children).toBeUndefined();
    expect(kids(list(0)).map((n) => [n.label, n.description, n.changed])).toEqual([['pfn 4354', '0x01102000–0x01102fff · 1 pages', true]]);
    expect(kids(list(0))[0].block).toEqual({ pfn: 4354, order: 0 });
    // What changed is marked, up the tree; DMA is untouched.
    expect([zone('DMA').changed, zone('Normal').changed, area(0).changed, area(1).changed, area(2).changed]).toEqual([false, true, true, true, false]);
    expect(kids(zone('Normal')).filter((n) => n.changed).map((n) => n.label)).toEqual(['free_pages', 'free_area[0]', 'free_area[1]', 'handed out by alloc_pages']);
    const held = find(kids(zone('Normal')), 'handed out by alloc_pages');
    expect(held.description).toBe('1 blocks · 1 pages');
    expect(kids(held).map((n) => [n.kind, n.label, n.block, n.focus])).toEqual([['allocatedBlock', 'pfn 4355', { pfn: 4355, order: 0 }, true]]);
  });

  it('shows each buddy bitmap\'s set bits with the pair they stand for', () => {
    const e = boot('pc-64m');
    e.alloc('GFP_KERNEL', 0);
    publishEngine(e, 'request');
    const area0 = kids(zone('Normal')).find((n) => n.label === 'free_area[0]')!;
    const map = find(kids(area0), 'map');
    // The split of 4354-4355 leaves one of the pair free: MARK_USED toggled bit (4354-4096)>>1 = 129.
    expect(map.description).toBe('1 of 12288 bits set · 1536 bytes');
    expect(kids(map).map(row)).toEqual([['bits 0–1023', '1 set']]);
    expect(kids(kids(map)[0]).map(row)).toEqual([['bit 129', 'pfn 4354 ⇄ 4355 · 4354 free']]);
  });

  it('pages long free lists: pae-16g\'s HighMem order 9 holds 7744 blocks in ranges of 256', () => {
    boot('pae-16g');
    const list = find(kids(kids(zone('HighMem')).find((n) => n.label === 'free_area[9]')!), 'free_list');
    const ranges = kids(list);
    expect(ranges.length).toBe(Math.ceil(7744 / 256));
    expect(row(ranges[0])).toEqual(['[0–255]', '256 items']);
    expect(kids(ranges[0]).length).toBe(256);
    expect(kids(ranges[0])[0].parent).toBe(ranges[0]);
  });
});

describe('Zonelists view', () => {
  it('groups pc-2g-highmem\'s 256 gfp indices by the zones build_zonelists gives them', () => {
    boot('pc-2g-highmem');
    const roots = zonelistsRoots(ctx(), NO_FILTER);
    expect(roots.map(row)).toEqual([
      ['Normal → DMA', '64 gfp indices'],
      ['DMA', '128 gfp indices'],
      ['HighMem → Normal → DMA', '64 gfp indices'],
    ]);
    const kernel = kids(roots[0]).find((n) => n.label === 'node_zonelists[0x07]')!;
    expect(kernel.description).toBe('__GFP_WAIT|__GFP_HIGH|__GFP_IO · GFP_KERNEL, GFP_NFS');
    expect(kids(roots[2])[0].label).toBe('node_zonelists[0x10]');
    expect(kids(roots[2])[0].description).toBe('__GFP_HIGHMEM · GFP_HIGHMEM');
  });

  it('filters by flag: __GFP_HIGHMEM|__GFP_WAIT indices, and named masks only', () => {
    boot('pc-2g-highmem');
    expect(zonelistsRoots(ctx(), { flags: ['__GFP_HIGHMEM', '__GFP_WAIT'], named: false }).map(row)).toEqual([
      ['HighMem → Normal → DMA', '32 of 64 gfp indices'],
      ['DMA', '32 of 128 gfp indices'], // __GFP_DMA wins over __GFP_HIGHMEM in build_zonelists
    ]);
    const named = zonelistsRoots(ctx(), { flags: [], named: true });
    expect(named.flatMap((g) => kids(g).map((n) => n.label))).toEqual([
      // GFP_ATOMIC, GFP_BUFFER, GFP_KSWAPD, GFP_USER, GFP_KERNEL (= GFP_NFS); GFP_DMA; GFP_HIGHMEM, GFP_HIGHUSER
      'node_zonelists[0x02]', 'node_zonelists[0x03]', 'node_zonelists[0x04]', 'node_zonelists[0x05]', 'node_zonelists[0x07]',
      'node_zonelists[0x08]', 'node_zonelists[0x10]', 'node_zonelists[0x15]',
    ]);
  });

  it('without CONFIG_HIGHMEM (pc-64m) every index without __GFP_DMA yields Normal → DMA', () => {
    boot('pc-64m');
    expect(zonelistsRoots(ctx(), NO_FILTER).map(row)).toEqual([['Normal → DMA', '128 gfp indices'], ['DMA', '128 gfp indices']]);
  });
});

describe('E820 & bootmem view', () => {
  it('holds pc-2g-highmem\'s E820 map, pfn limits, bootmem bitmap and allocations', () => {
    boot('pc-2g-highmem');
    const [e820, limits, bitmap, allocs, tables] = bootmemRoots(ctx());
    expect(kids(e820).map(row)).toEqual([
      ['0000000000000000 - 000000000009fc00', 'usable · 639 KB'],
      ['000000000009fc00 - 00000000000a0000', 'reserved · 1 KB'],
      ['00000000000f0000 - 0000000000100000', 'reserved · 64 KB'],
      ['0000000000100000 - 0000000080000000', 'usable · 2047 MB'],
    ]);
    expect(kids(limits).slice(0, 5).map(row)).toEqual([
      ['start_pfn', '0x300 (768) · 3 MB'],
      ['max_low_pfn', '0x38000 (229376) · 896 MB'],
      ['max_pfn', '0x80000 (524288) · 2 GB'],
      ['highstart_pfn', '0x38000 (229376) · 896 MB'],
      ['highend_pfn', '0x80000 (524288) · 2 GB'],
    ]);
    expect(bitmap.description).toMatch(/^\d+ reserved · \d+ free of 229376 pages · freed by free_all_bootmem$/);
    const runs = kids(bitmap);
    // Page 0 (reserve_bootmem(0, PAGE_SIZE)), then fixrange_init's two pte pages and the struct resources.
    expect(row(runs[0])).toEqual(['pfn 0–3', 'reserved · 4 pages · 16 KB']);
    expect(runs.reduce((s, r) => s + Number(/· (\d+) pages/.exec(r.description!)![1]), 0)).toBe(229376);
    expect(kids(allocs).map((n) => n.label)).toContain('mem_map');
    expect(find(kids(allocs), 'mem_map').description).toBe('32.0 MB · 0x01000000–0x0300003f'); // 524288 struct pages of 64 bytes
    expect(tables.description).toBe('2 pages from bootmem');
  });
});

describe('changes and focus', () => {
  it('a fresh boot marks nothing; a request marks what it changed', () => {
    const e = boot('pc-16m');
    expect(currentPublication()!.changed.size).toBe(0);
    e.alloc('GFP_DMA', 2);
    const pub = publishEngine(e, 'request');
    expect([...pub.changed].filter((p) => p.startsWith('zones/0/free_area/') && p.endsWith('/blocks')).sort()).toEqual(
      expect.arrayContaining(['zones/0/free_area/2/blocks']),
    );
    expect(pub.changed.has('zones/1')).toBe(false);
  });

  it('a stop in expand puts the block being split, its free_area and the zonelist in focus', () => {
    const e = boot('pc-64m');
    const stepper = e.stepAlloc('GFP_KERNEL', 0);
    let stop = stepper.stepIn();
    while (stop.probe?.fn !== 'expand' || stop.probe.text !== 'memlist_add_head(&(page)->list, &(area)->free_list);') stop = stepper.stepIn();
    const pub = publishKernel(e.k, 'stop', stop.stack);
    expect(pub.focus).toEqual({ fn: 'expand', zonelist: 7, tried: { zone: 1, mark: 'pages_low', strict: false }, area: { zone: 1, order: 0 }, touched: [{ pfn: 4354, pages: 1, kind: 'split' }] });
    const roots = zonelistsRoots(ctx(pub), NO_FILTER);
    expect(roots[0].label).toBe('node_zonelists[0x07]');
    expect(kids(roots[0]).map((n) => [n.label, n.description, n.focus])).toEqual([
      ['Normal', 'free_pages 12029 ≥ pages_low 192', true], // rmqueue has taken its page already
      ['DMA', 'free_pages 3483 ≥ pages_low 256', false],
    ]);
    expect(zone('Normal').focus).toBe(true);
  });

  it('every stop of a boot can be shown: lists free_area_init_core has not initialised yet read as empty', () => {
    const { engine, stepper } = Engine.stepBoot(presetMachine('pc-16m'));
    publishKernel(engine.k, 'boot');
    const all = (nodes: Node[], depth: number): number => nodes.reduce((n, x) => n + 1 + (depth && x.children ? all(x.children(), depth - 1) : 0), 0);
    let stops = 0, shown = 0;
    for (let stop = stepper.stepIn(); stop.reason !== 'end'; stop = stepper.stepIn()) {
      if (++stops % (stop.probe?.fn === 'free_area_init_core' ? 23 : 401)) continue;
      const c = ctx(publishKernel(engine.k, 'stop', stop.stack));
      shown += all(zonesRoots(c), 4) + all(zonelistsRoots(c, NO_FILTER), 1) + all(bootmemRoots(c), 2);
      pageStates(engine.k);
    }
    expect(stops).toBeGreaterThan(200_000);
    expect(shown).toBeGreaterThan(10_000);
  });

  it('ChangeTracker marks list items new since the previous publish only', () => {
    const t = new ChangeTracker();
    expect(t.mark('l', 1, [{ key: 'a', sig: '' }])).toEqual([false]);
    expect(t.mark('l', 2, [{ key: 'a', sig: '' }, { key: 'b', sig: '' }])).toEqual([false, true]);
    expect(t.mark('l', 2, [{ key: 'a', sig: '' }, { key: 'b', sig: '' }])).toEqual([false, true]);
    expect(t.mark('l', 4, [{ key: 'c', sig: '' }])).toEqual([false]);
  });
});
