// How many times each kernel function runs in the boot of a machine (for the "hits: N"
// CodeLens): a step-mode boot counting function entries, cached per machine. Small machines
// are counted on first use; large ones when the reader asks (mm24: count hits).

import { Engine } from '../engine/engine';
import type { Kernel } from '../engine/state';

const cache = new Map<string, Map<string, number>>();
const AUTO_PAGES = 300_000;

function keyOf(k: Kernel): string {
  return JSON.stringify(k.machine);
}

export function functionHits(k: Kernel, compute = false): Map<string, number> | undefined {
  const key = keyOf(k);
  const have = cache.get(key);
  if (have) return have;
  if (!compute && k.npages > AUTO_PAGES) return undefined;
  const counts = new Map<string, number>();
  const { stepper } = Engine.stepBoot(k.machine);
  stepper.continue((fn, _probe, s) => {
    if (s.topCount === 1) counts.set(fn, (counts.get(fn) ?? 0) + 1);
    return false;
  });
  cache.set(key, counts);
  return counts;
}
