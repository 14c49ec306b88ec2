// The memory map's data (src/views/pagemap.ts, describe.ts): one state per page frame, as
// boot and requests leave mem_map, bootmem and the E820 map; what a hover says; the workload
// the views' command runs is the bench's; every string the views show is translated.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchWorkload } from '../../src/bench-workload';
import { Engine } from '../../src/engine/engine';
import { checkInvariants } from '../../src/engine/inspect/check';
import { state } from '../../src/engine/inspect/report';
import { presetMachine } from '../../src/engine/machine';
import { describePage } from '../../src/views/describe';
import type { L10n } from '../../src/views/node';
import { legend, markers, pageStates } from '../../src/views/pagemap';
import { BLOCK_HEAD, PAGE_STATE as S, STATE_CODES } from '../../src/views/protocol';
import { MixedWorkload } from '../../src/views/workload';

const REPO = join(__dirname, '..', '..');
/** vscode.l10n.t's English behaviour: the message with {n} replaced. */
const en: L10n = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function counts(st: Uint8Array): Record<string, number> {
  const names = Object.fromEntries(Object.entries(S).map(([k, v]) => [v, k]));
  const out: Record<string, number> = {};
  for (const v of st) {
    const c = v & ~BLOCK_HEAD;
    const name = c >= S.FREE ? `FREE${c - S.FREE}` : names[c];
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

describe('page states', () => {
  it('pc-2g-highmem after boot: every free page in a block of its order, the boot-time users reserved', () => {
    const k = Engine.boot(presetMachine('pc-2g-highmem')).k;
    const st = pageStates(k);
    expect(st.length).toBe(524288);
    const c = counts(st);
    const free = state(k).zones.reduce((s, z) => s + z.free_pages, 0);
    expect(Object.entries(c).filter(([n]) => n.startsWith('FREE')).reduce((s, [, n]) => s + n, 0)).toBe(free);
    expect(c.FREE9).toBe((423 + 576 + 6) * 512);
    expect(c.ALLOCATED ?? 0).toBe(0);
    expect(c.MEM_MAP).toBe(8192); // 524288 struct pages × 64 bytes, from page frame 4096
    expect([...st.subarray(4096, 4096 + 8192)].every((x) => x === S.MEM_MAP)).toBe(true);
    expect(st.reduce((n, x) => n + (x & BLOCK_HEAD ? 1 : 0), 0)).toBe(state(k).zones.reduce((n, z) => n + z.free_area.reduce((a, b) => a + b, 0), 0));
    expect(st[0]).toBe(S.RESERVED); // page 0: reserve_bootmem(0, PAGE_SIZE)
    expect([st[1], st[2]]).toEqual([S.PAGE_TABLE, S.PAGE_TABLE]); // fixrange_init's pte pages
    expect(st[159]).toBe(S.FIRMWARE); // 0x9f000: the page the E820 reserved 0x9fc00 entry starts in
    expect(st[0xa0]).toBe(S.HOLE); // 640 KB–960 KB: no E820 entry
    expect(st[0x100]).toBe(S.KERNEL);
    expect(st[0x300] & ~BLOCK_HEAD).toBeGreaterThanOrEqual(S.FREE); // free_all_bootmem freed the bootmem bitmap's own pages
    expect(st[0x1000 + 8192]).toBe(S.BOOTMEM_OTHER); // the buddy bitmaps, right after mem_map
    expect(markers(k, en)).toEqual([
      { pfn: 0, label: 'ZONE_DMA starts', kind: 'zone' },
      { pfn: 4096, label: 'ZONE_NORMAL starts', kind: 'zone' },
      { pfn: 229376, label: 'ZONE_HIGHMEM starts', kind: 'zone' },
      { pfn: 229376, label: '896 MB (MAXMEM_PFN): the end of the direct map', kind: 'limit' },
    ]);
  });

  it('an allocated block shows as allocated, and the split half as free of order 0', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const pfn = e.alloc('GFP_KERNEL', 0)!;
    const st = pageStates(e.k);
    expect([st[4354], st[pfn], counts(st).ALLOCATED]).toEqual([(S.FREE + 0) | BLOCK_HEAD, S.ALLOCATED | BLOCK_HEAD, 1]);
    e.free(pfn, 0);
    expect([pageStates(e.k)[4354], pageStates(e.k)[pfn]]).toEqual([(S.FREE + 1) | BLOCK_HEAD, S.FREE + 1]); // merged with its buddy
  });

  it('during boot, before mem_map exists, the bootmem bitmap says what is free', () => {
    const { engine, stepper } = Engine.stepBoot(presetMachine('pc-64m'));
    let stop = stepper.stepIn();
    while (!(stop.probe?.fn === 'paging_init')) stop = stepper.stepIn();
    const c = counts(pageStates(engine.k));
    expect(c.BOOTMEM_FREE).toBeGreaterThan(15000);
    expect(c.KERNEL).toBe(0x200); // 1 MB to _end at 3 MB
    expect(c.BOOTMEM_MAP).toBe(1);
  });

  it('pae-16g: RAM above 4 GB is in mem_map; the 3.5–4 GB hole is E820 reserved', () => {
    const k = Engine.boot(presetMachine('pae-16g')).k;
    const st = pageStates(k);
    expect(st.length).toBe(0x420000);
    expect(st[0xe0000]).toBe(S.FIRMWARE);
    expect(st[0x100000] & ~BLOCK_HEAD).toBeGreaterThanOrEqual(S.FREE);
  });

  it('the legend gives every state a label, a theme colour and a distinct priority', () => {
    const l = legend(en);
    expect(l.map((e) => e.code).sort((a, b) => a - b)).toEqual([...Array(12).keys(), ...[...Array(10).keys()].map((o) => S.FREE + o)]);
    expect(new Set(l.map((e) => e.priority)).size).toBe(l.length);
    expect(l.every((e) => e.color.startsWith('--vscode-') && e.code < STATE_CODES)).toBe(true);
  });
});

describe('a page described on hover', () => {
  it('names the block, the zone and the boot-time owner', () => {
    const e = Engine.boot(presetMachine('pc-64m'));
    const pfn = e.alloc('GFP_KERNEL', 0)!;
    expect(describePage(e.k, pfn, en)).toEqual([
      'page frame 4355 · 0x01103000–0x01103fff',
      'E820: usable',
      'mem_map[4355] · zone Normal · count 1 · flags 0',
      'handed out by alloc_pages: the order-0 block at 4355',
      'bootmem (freed): was free',
    ]);
    expect(describePage(e.k, 4354, en)[3]).toBe('free: in the order-0 block at 4354 on Normal\'s free_area[0]');
    expect(describePage(e.k, 4096, en)).toContain('mem_map: the struct pages of page frames 0–63');
    expect(describePage(e.k, 1, en)).toContain('a pte page table of paging_init, mapping from 0xffc00000');
  });
});

describe('the views\' workload', () => {
  it('is design.md\'s mixed workload: the bench\'s checksum and final state, run in slices', () => {
    const a = Engine.boot(presetMachine('pc-64m'));
    const b = Engine.boot(presetMachine('pc-64m'));
    const w = new MixedWorkload(a, 20000, 7);
    while (!w.run(3000));
    expect(w.checksum).toBe(runBenchWorkload(b, 'mixed', 20000, 7).checksum);
    expect(state(a.k)).toEqual(state(b.k));
    expect(checkInvariants(a.k)).toEqual([]);
  });
});

describe('the views\' strings and webview script', () => {
  it('every vscode.l10n.t string under src/views has its 简体中文 translation', () => {
    const zh = JSON.parse(readFileSync(join(REPO, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const dir = join(REPO, 'src', 'views');
    const keys = readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1')),
    );
    expect(keys.length).toBeGreaterThan(100);
    expect(keys.filter((k) => !(k in zh))).toEqual([]);
  });

  it('the webview scripts (media/webview/*.js) type-check against src/views/protocol.ts', () => {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'src', 'views', 'webview.tsconfig.json')], { encoding: 'utf8' });
  });
});
