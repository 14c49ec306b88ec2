// The shared bench workloads of design.md ("pairs", "mixed"), so figures compare across
// implementations: the same LCG, the same choices, the same checksum.

import type { Engine } from './engine/engine';

const GFP_KERNEL = 0x07;
const ORDERS = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3];

export interface BenchResult {
  workload: 'pairs' | 'mixed';
  ops: number;
  ns: number;
  checksum: number;
}

export function runBenchWorkload(e: Engine, workload: 'pairs' | 'mixed', ops: number, seed: number): BenchResult {
  let x = seed >>> 0;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 16;
  };
  let checksum = 0;
  const t0 = process.hrtime.bigint();
  if (workload === 'pairs') {
    for (let i = 0; i < ops; i++) {
      const p = e.alloc(GFP_KERNEL, 0);
      if (p !== null) {
        checksum = (checksum + p + 1) >>> 0;
        e.free(p, 0);
      }
    }
  } else {
    const pfns: number[] = [];
    const orders: number[] = [];
    for (let i = 0; i < ops; i++) {
      const r = next();
      if (pfns.length > 0 && (r % 100 < 45 || pfns.length === 4096)) {
        const j = next() % pfns.length;
        e.free(pfns[j], orders[j]);
        pfns[j] = pfns[pfns.length - 1];
        orders[j] = orders[orders.length - 1];
        pfns.pop();
        orders.pop();
      } else {
        const order = ORDERS[next() % 10];
        const p = e.alloc(GFP_KERNEL, order);
        if (p !== null) {
          checksum = (checksum + p + 1) >>> 0;
          pfns.push(p);
          orders.push(order);
        }
      }
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { workload, ops, ns, checksum };
}
