// Long random alloc/free workloads on several machines, every invariant checked after every
// op (every 500 ops on the large machine, where a full check is O(1M pages)): 200,000+ ops.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { checkInvariants } from '../../src/engine/inspect/check';
import { parseMachine, presetMachine, type Machine } from '../../src/engine/machine';

const MiB = 1 << 20;
const GFPS = ['GFP_KERNEL', 'GFP_ATOMIC', 'GFP_USER', 'GFP_HIGHUSER', 'GFP_DMA', 'GFP_DMA|GFP_ATOMIC', 0x10, 0x00];

interface Plan {
  seed: number;
  allocBias: number;
}

/** Runs `ops` random requests; returns how many allocs succeeded and failed. */
function workload(m: Machine, ops: number, plan: Plan, checkEvery: number): { ok: number; failed: number } {
  const e = Engine.boot(m);
  let x = plan.seed >>> 0;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const held: [number, number][] = [];
  let ok = 0, failed = 0;
  for (let i = 0; i < ops; i++) {
    if (held.length && rnd(100) >= plan.allocBias) {
      const j = rnd(held.length);
      const [p, o] = held[j];
      held[j] = held[held.length - 1];
      held.pop();
      e.free(p, o);
    } else {
      const order = rnd(100) < 70 ? 0 : rnd(10);
      const p = e.alloc(GFPS[rnd(GFPS.length)], order);
      if (p === null) failed++;
      else {
        ok++;
        held.push([p, order]);
      }
    }
    if ((i + 1) % checkEvery === 0) {
      const bad = checkInvariants(e.k);
      if (bad.length) throw new Error(`after op ${i}: ${bad.slice(0, 5).join('; ')}`);
    }
  }
  while (held.length) {
    const [p, o] = held.pop()!;
    e.free(p, o);
  }
  const bad = checkInvariants(e.k);
  if (bad.length) throw new Error(`after freeing everything: ${bad.slice(0, 5).join('; ')}`);
  return { ok, failed };
}

describe('random workloads keep every invariant', () => {
  const odd = parseMachine({ e820: [[0, 0x9f000, 1], [0x9f000, 0x1000, 2], [MiB, 100 * MiB + 12 * 1024, 1], [102 * MiB, 3 * MiB, 3]] });
  const cases: [string, Machine, number, number, number][] = [
    // name, machine, runs, ops per run, check every
    ['pc-16m (DMA only, drained past the watermarks)', presetMachine('pc-16m'), 16, 10_000, 1],
    ['pc-64m', presetMachine('pc-64m'), 3, 10_000, 1],
    ['odd sizes and holes (zone not a multiple of 512)', odd, 3, 10_000, 1],
    ['pc-2g-highmem', presetMachine('pc-2g-highmem'), 2, 20_000, 500],
  ];
  it.each(cases)('%s', (_name, m, runs, ops, every) => {
    let total = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 40, max: 95 }), (seed, allocBias) => {
        const r = workload(m, ops, { seed, allocBias }, every);
        total += ops;
        return r.ok > 0;
      }),
      { numRuns: runs, seed: 2400 },
    );
    expect(total).toBe(runs * ops);
  });
});

describe('a free-everything workload returns the boot state', () => {
  it('frees in another order than allocated and merges back to the same lists and counts', () => {
    const m = presetMachine('pc-64m');
    const e = Engine.boot(m);
    const before = e.k.zones.map((z) => z.free_pages);
    const held: [number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const p = e.alloc('GFP_KERNEL', i % 4);
      if (p !== null) held.push([p, i % 4]);
    }
    for (let i = 0; i < held.length; i += 2) e.free(...held[i]);
    for (let i = 1; i < held.length; i += 2) e.free(...held[i]);
    expect(e.k.zones.map((z) => z.free_pages)).toEqual(before);
    expect(checkInvariants(e.k)).toEqual([]);
  });
});
