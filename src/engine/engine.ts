// The engine's front door, free of any host: boot a machine (run mode, or a Stepper for step
// mode), then serve alloc_pages/__free_pages requests, each validated before anything changes.

import { KernelBug, RequestError } from './errors';
import type { Kgen } from './exec/gen';
import { RUN_TWIN } from './exec/kernel-functions.gen';
import { Stepper } from './exec/stepper';
import { PG_reserved } from './include/mm';
import { MAX_ORDER } from './include/mmzone';
import { start_kernel } from './init/main';
import { parseGfp } from './inspect/gfp';
import { blockContaining } from './inspect/report';
import type { Machine } from './machine';
import { alloc_pages } from './mm/page_alloc/alloc';
import { __free_pages } from './mm/page_alloc/buddy';
import { Kernel } from './state';

type KernelFn<A extends unknown[], T> = (k: Kernel, ...args: A) => Kgen<T>;

/** Calls a kernel function's run-mode twin. */
export function runKernel<A extends unknown[], T>(fn: KernelFn<A, T>, k: Kernel, ...args: A): T {
  const twin = RUN_TWIN.get(fn);
  if (!twin) throw new Error(`no run-mode twin for ${fn.name}`);
  return twin(k, ...args) as T;
}

export type Op = readonly ['alloc', number | string, number] | readonly ['free', number, number];

export class Engine {
  private constructor(readonly machine: Machine, readonly k: Kernel) {}

  /** Boots in run mode. A KernelBug from 2.4.0's boot path propagates. */
  static boot(machine: Machine): Engine {
    const k = new Kernel(machine);
    try {
      runKernel(start_kernel, k);
    } catch (e) {
      if (e instanceof KernelBug) e.log = [...k.log];
      throw e;
    }
    return new Engine(machine, k);
  }

  /** An engine over a kernel that has already booted (a checkpoint, a clone). */
  static adopt(machine: Machine, k: Kernel): Engine {
    return new Engine(machine, k);
  }

  /** A stepper over the boot; the engine is usable once the stepper is done. */
  static stepBoot(machine: Machine): { engine: Engine; stepper: Stepper } {
    const k = new Kernel(machine);
    return { engine: new Engine(machine, k), stepper: new Stepper(start_kernel, [k]) };
  }

  get booted(): boolean {
    return this.k.booted;
  }

  /** Checks an alloc request; returns the gfp index and order. */
  checkAlloc(gfp: number | string, order: number): { gfp_mask: number; order: number } {
    this.requireBooted();
    const gfp_mask = parseGfp(gfp, this.k.CONFIG_HIGHMEM);
    if (!Number.isInteger(order) || order < 0) {
      throw new RequestError(`order ${order} is not a whole number ≥ 0`, 'order');
    }
    return { gfp_mask, order };
  }

  /** alloc_pages(gfp_mask, order) in run mode: the pfn 2.4.0 returns, or null. */
  alloc(gfp: number | string, order: number): number | null {
    const r = this.checkAlloc(gfp, order);
    const page = runKernel(alloc_pages, this.k, r.gfp_mask, r.order);
    return page < 0 ? null : page;
  }

  stepAlloc(gfp: number | string, order: number): Stepper {
    const r = this.checkAlloc(gfp, order);
    return new Stepper(alloc_pages, [this.k, r.gfp_mask, r.order]);
  }

  /**
   * Checks a free request against what 2.4.0 would do with it; refuses (RequestError) what it
   * would ignore, corrupt or BUG() on.
   */
  checkFree(pfn: number, order: number): void {
    this.requireBooted();
    const k = this.k;
    if (!Number.isInteger(order) || order < 0 || order >= MAX_ORDER) {
      throw new RequestError(`order ${order} is outside 0..${MAX_ORDER - 1}: 2.4.0 would walk past free_area[${MAX_ORDER - 1}] and BUG() in __free_pages_ok (mm/page_alloc.c)`, 'order');
    }
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= k.max_mapnr) {
      throw new RequestError(`pfn ${pfn} is outside mem_map (max_mapnr ${k.max_mapnr}): not VALID_PAGE; 2.4.0's __free_pages_ok would BUG() (mm/page_alloc.c)`, 'pfn');
    }
    if (k.page_flags[pfn] & (1 << PG_reserved)) {
      throw new RequestError(`page ${pfn} is reserved (PG_reserved): 2.4.0's __free_pages would silently ignore it`, 'pfn');
    }
    const zone = k.zones[k.page_zone[pfn]];
    const idx = pfn - zone.offset;
    const free = blockContaining(k, k.free_order, pfn);
    if (free) {
      throw new RequestError(`page ${pfn} is free (in the free order-${free.order} block at ${free.head}): 2.4.0's put_page_testzero would drive its count to ${k.page_count[pfn] - 1} and free nothing`, 'pfn');
    }
    if (idx & ((1 << order) - 1)) {
      throw new RequestError(`pfn ${pfn} is not aligned to order ${order} in zone ${zone.name}: 2.4.0 would BUG() in __free_pages_ok (mm/page_alloc.c)`, 'pfn');
    }
    const held = blockContaining(k, k.alloc_order, pfn);
    if (!held) {
      throw new RequestError(`page ${pfn} was not handed out by alloc_pages (count ${k.page_count[pfn]}): 2.4.0 would drive its count negative or free a page still in use`, 'pfn');
    }
    if (held.head !== pfn) {
      throw new RequestError(`page ${pfn} is inside the order-${held.order} block allocated at ${held.head} (count 0): 2.4.0's put_page_testzero would drive its count to -1 and free nothing`, 'pfn');
    }
    if (held.order !== order) {
      throw new RequestError(`page ${pfn} was allocated with order ${held.order}, not ${order}: 2.4.0's __free_pages_ok trusts the order and would corrupt the free lists and buddy bitmaps`, 'order');
    }
  }

  /** __free_pages(mem_map + pfn, order) in run mode. */
  free(pfn: number, order: number): void {
    this.checkFree(pfn, order);
    runKernel(__free_pages, this.k, pfn, order);
  }

  stepFree(pfn: number, order: number): Stepper {
    this.checkFree(pfn, order);
    return new Stepper(__free_pages, [this.k, pfn, order]);
  }

  /** Runs one scenario op: the pfn (or null) for an alloc, null for a free. */
  apply(op: Op): number | null {
    if (op[0] === 'alloc') return this.alloc(op[1], op[2]);
    this.free(op[1], op[2]);
    return null;
  }

  private requireBooted(): void {
    if (!this.k.booted) throw new RequestError('the machine has not finished booting (mem_init has not run)', 'state');
  }
}

export { KernelBug };
