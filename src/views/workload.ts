// design.md's "mixed" bench workload, run in slices so a progress notification can show it
// and the extension host stays responsive: the same LCG, choices and checksum as
// src/bench-workload.ts (a unit test holds them equal). Blocks still held at the end stay
// allocated, for the views to show.

import type { Engine } from '../engine/engine';

const GFP_KERNEL = 0x07;
const ORDERS = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3];

export class MixedWorkload {
  private x: number;
  private readonly pfns: number[] = [];
  private readonly orders: number[] = [];
  done = 0;
  checksum = 0;
  allocs = 0;
  failed = 0;
  frees = 0;

  constructor(private readonly engine: Engine, readonly ops: number, seed: number) {
    this.x = seed >>> 0;
  }

  private next(): number {
    this.x = (Math.imul(this.x, 1103515245) + 12345) >>> 0;
    return this.x >>> 16;
  }

  get held(): number {
    return this.pfns.length;
  }

  /** Runs up to `n` more ops; true when all are done. */
  run(n: number): boolean {
    const e = this.engine;
    const stop = Math.min(this.ops, this.done + n);
    for (; this.done < stop; this.done++) {
      const r = this.next();
      if (this.pfns.length > 0 && (r % 100 < 45 || this.pfns.length === 4096)) {
        const j = this.next() % this.pfns.length;
        e.free(this.pfns[j], this.orders[j]);
        this.pfns[j] = this.pfns[this.pfns.length - 1];
        this.orders[j] = this.orders[this.orders.length - 1];
        this.pfns.pop();
        this.orders.pop();
        this.frees++;
      } else {
        const order = ORDERS[this.next() % 10];
        const p = e.alloc(GFP_KERNEL, order);
        this.allocs++;
        if (p !== null) {
          this.checksum = (this.checksum + p + 1) >>> 0;
          this.pfns.push(p);
          this.orders.push(order);
        } else this.failed++;
      }
    }
    return this.done >= this.ops;
  }
}
