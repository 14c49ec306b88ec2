// The debug adapter as any DAP client drives it: the stdio adapter (dist/debugAdapter.js,
// built by `npm test` before vitest) launched on a machine, breakpoints on the user's seed
// notes, locals, hover evaluation, stepping in/over/out/back, conditions, function
// breakpoints, and bad expressions; values checked against the engine.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const adapter = join(root, 'dist', 'debugAdapter.js');
const seed = join(root, 'media', 'walkthrough', 'mm-2.4-notes.md');
const seedLines = readFileSync(seed, 'utf8').split('\n');
const lineOf = (text: string, from = 0) => seedLines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
const ROUNDING = lineOf('bitmap_size = (bitmap_size + 7) >> 3;');

let dc: DebugClient;
beforeEach(async () => {
  dc = new DebugClient('node', adapter, 'mm24');
  await dc.start();
});
afterEach(async () => {
  await dc.stop();
});

async function locals(frameId = 0): Promise<Record<string, string>> {
  const scopes = await dc.scopesRequest({ frameId });
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  return Object.fromEntries(vars.body.variables.map((v) => [v.name, v.value]));
}
async function top() {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0];
}
const evaluate = async (expression: string, context = 'hover') => (await dc.evaluateRequest({ expression, frameId: 0, context })).body.result;

describe('mm24 debug adapter over stdio', () => {
  it('stops on entry in start_kernel, shown in the engine\'s listing of init/main.c', async () => {
    await Promise.all([dc.configurationSequence(), dc.launch({ machine: 'pc-16m', stopOnEntry: true } as never), dc.waitForEvent('stopped')]);
    const f = await top();
    expect(f.name).toBe('start_kernel');
    expect(f.source?.path).toMatch(/media[\\/]listings[\\/]init[\\/]main\.c$/);
  });

  it('hits a breakpoint on the seed\'s bitmap_size line and reads bitmap_size, i and zone->size', async () => {
    expect(ROUNDING).toBeGreaterThan(0);
    await dc.hitBreakpoint({ machine: 'pc-16m', stopOnEntry: false, source: seed } as never, { path: seed, line: ROUNDING });
    const f = await top();
    expect(f.name).toBe('free_area_init_core');
    expect(f.source?.path).toBe(seed);
    const l = await locals();
    expect(l.bitmap_size).toBe('4096');
    expect(l.i).toBe('0');
    expect(await evaluate('bitmap_size')).toBe('4096');
    expect(await evaluate('i')).toBe('0');
    expect(await evaluate('zone->size')).toBe('4096');
    expect(await evaluate('zone->name')).toBe('"DMA"');
    expect(await evaluate('(size + ~mask) & mask')).toBe('4096');
    expect(await evaluate('max_low_pfn << PAGE_SHIFT')).toBe('16777216 (0x1000000)');
    expect(await evaluate('PFN_UP(0x300000 + 1)')).toBe('769');
  });

  it('steps over, in, out and back, and the values follow', async () => {
    await dc.hitBreakpoint({ machine: 'pc-16m', stopOnEntry: false, source: seed } as never, { path: seed, line: ROUNDING });
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    expect((await locals()).bitmap_size).toBe('512');
    await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    expect((await locals()).bitmap_size).toBe('4096');
    expect((await top()).line).toBe(ROUNDING);
    // Over the rounding and LONG_ALIGN, then into alloc_bootmem_node's __alloc_bootmem.
    for (let n = 0; n < 2; n++) await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    await Promise.all([dc.stepInRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    expect((await top()).name).toBe('__alloc_bootmem');
    await Promise.all([dc.stepOutRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    expect((await top()).name).toBe('free_area_init_core');
  });

  async function launchWith(bps: { line: number; condition?: string; hitCondition?: string }[], args: object) {
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: seed }, breakpoints: bps });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ stopOnEntry: false, source: seed, ...args } as never),
      dc.waitForEvent('stopped'),
    ]);
  }

  it('honours a condition (i == 5)', async () => {
    await launchWith([{ line: ROUNDING, condition: 'i == 5' }], { machine: 'pc-16m' });
    const l = await locals();
    expect(l.i).toBe('5');
    expect(l.bitmap_size).toBe(String(4096 >> 5));
  });

  it('honours a hit count: the 3rd time, in the same zone at order 2', async () => {
    await launchWith([{ line: ROUNDING, hitCondition: '3' }], { machine: 'pc-64m' });
    const l = await locals();
    expect([l.i, l.j]).toEqual(['2', '0']);
  });

  it('stops at a function breakpoint in expand during alloc_pages(GFP_KERNEL, 0)', async () => {
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'expand' }, { name: 'no_such_fn' }] });
        expect(r.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
        await dc.configurationDoneRequest();
      }),
      dc.launch({ machine: 'pc-64m', run: ['alloc_pages(GFP_KERNEL, 0)'], stopOnEntry: false } as never),
      dc.assertStoppedLocation('breakpoint', {}),
    ]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    expect(st.body.stackFrames.map((f) => f.name)).toEqual(['expand', 'rmqueue', '__alloc_pages', 'alloc_pages']);
    // Normal's order-0 list is empty: rmqueue splits the order-1 block at 4354.
    expect(await evaluate('high')).toBe('1');
    expect(await evaluate('low')).toBe('0');
    expect(await evaluate('page - mem_map')).toBe('4354');
    expect(await evaluate('zone->name')).toBe('"Normal"');
  });

  it('says where a bad expression fails, and marks a prose line unverified with a reason', async () => {
    await dc.hitBreakpoint({ machine: 'pc-16m', stopOnEntry: false, source: seed } as never, { path: seed, line: ROUNDING });
    await expect(dc.evaluateRequest({ expression: 'zone->nonesuch', frameId: 0, context: 'hover' })).rejects.toThrow(/zone_t has no field 'nonesuch'/);
    await expect(dc.evaluateRequest({ expression: 'bitmap_size +', frameId: 0, context: 'watch' })).rejects.toThrow(/ends too soon \(column/);
    await expect(dc.evaluateRequest({ expression: 'foo', frameId: 0, context: 'repl' })).rejects.toThrow(/unknown identifier 'foo'/);
    const r = await dc.setBreakpointsRequest({ source: { path: seed }, breakpoints: [{ line: lineOf('对8向上取整') }, { line: ROUNDING }] });
    expect(r.body.breakpoints.map((b) => b.verified)).toEqual([false, true]);
    expect(r.body.breakpoints[0].message).toBeTruthy();
  });

  it('breaks when a watched value changes, naming the statement that changed it', async () => {
    await dc.hitBreakpoint({ machine: 'pc-16m', stopOnEntry: false, source: seed } as never, { path: seed, line: ROUNDING });
    await dc.setBreakpointsRequest({ source: { path: seed }, breakpoints: [] });
    const scopes = await dc.scopesRequest({ frameId: 0 });
    const globalsRef = scopes.body.scopes.find((s) => s.name === 'Globals')!.variablesReference;
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: globalsRef, name: 'max_mapnr' });
    expect(info.body.dataId).toBeTruthy();
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    expect(set.body.breakpoints[0].verified).toBe(true);
    const [, stopped] = await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    expect(stopped.body.reason).toBe('data breakpoint');
    expect(stopped.body.description).toMatch(/max_mapnr changed from 0 to 4096 at max_mapnr = num_physpages = max_low_pfn; \(mem_init\)/);
    expect((await top()).name).toBe('mem_init');
  });

  it('reads the bootmem bitmap through readMemory', async () => {
    await dc.hitBreakpoint({ machine: 'pc-16m', stopOnEntry: false, source: seed } as never, { path: seed, line: ROUNDING });
    const e = await dc.evaluateRequest({ expression: 'contig_page_data.bdata->node_bootmem_map', frameId: 0, context: 'watch' });
    expect(e.body.memoryReference).toBe('0xc0300000'); // __va(start_pfn << PAGE_SHIFT)
    const m = await dc.customRequest('readMemory', { memoryReference: e.body.memoryReference, count: 520 });
    const bytes = Buffer.from(m.body.data, 'base64');
    expect(bytes.length).toBe(512); // 4096 pages / 8, then nothing the model holds
    expect(bytes[0]).toBe(0xff); // pages 0-7: page 0, the fixmap pte, mem_map
    expect(bytes[20]).toBe(0xff); // pages 160-167: the 640 KiB - 1 MiB hole
    expect(m.body.unreadableBytes).toBe(8);
  });
});
