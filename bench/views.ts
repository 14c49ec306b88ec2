// The views' goals (issue 8), measured without VS Code: a tree refresh after a stop — the
// publication (summary and change set) plus every node the three views show with the zones,
// their free_areas, free lists and bitmaps expanded — on pc-4g-highmem; and the memory map's
// host side (the page-state array) for the whole machine. The webview's own draw time is read
// in the real VS Code by test/e2e/views.mjs (data-draw-ms).
//
//   npx esbuild bench/views.ts --bundle --platform=node --outfile=out/bench-views.js && node out/bench-views.js

import { Engine } from '../src/engine/engine';
import type { Stop } from '../src/engine/exec/stepper';
import { presetMachine } from '../src/engine/machine';
import { bootmemRoots } from '../src/views/bootmemModel';
import { publishEngine, publishKernel } from '../src/views/model';
import { ChangeTracker, type L10n, type ModelContext, type Node } from '../src/views/node';
import { pageStates } from '../src/views/pagemap';
import { MixedWorkload } from '../src/views/workload';
import { NO_FILTER, zonelistsRoots } from '../src/views/zonelistsModel';
import { zonesRoots } from '../src/views/zonesModel';

const en: L10n = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Everything a reader with the usual nodes open sees: zones → free_area → free_list/map (ranges, not every bit). */
function render(ctx: ModelContext): number {
  let n = 0;
  const walk = (nodes: Node[], depth: number): void => {
    for (const x of nodes) {
      n++;
      if (depth > 0 && x.children && x.kind !== 'range') walk(x.children(), depth - 1);
    }
  };
  walk(zonesRoots(ctx), 4);
  walk(zonelistsRoots(ctx, NO_FILTER), 1);
  walk(bootmemRoots(ctx), 1);
  return n;
}

function stopIn(engine: Engine, fn: string): Stop {
  const s = engine.stepAlloc('GFP_KERNEL', 3);
  let stop = s.stepIn();
  while (stop.probe?.fn !== fn) stop = s.stepIn();
  return stop;
}

function treeRefresh(machine: string, ops: number): void {
  const engine = Engine.boot(presetMachine(machine));
  if (ops) while (!new MixedWorkload(engine, ops, 1).run(ops));
  publishEngine(engine, 'boot');
  const tracker = new ChangeTracker();
  const times: number[] = [];
  let nodes = 0;
  const stop = stopIn(engine, 'expand');
  for (let i = 0; i < 30; i++) {
    const t0 = now();
    const pub = publishKernel(engine.k, 'stop', stop.stack);
    nodes = render({ pub, l10n: en, tracker });
    times.push(now() - t0);
  }
  console.log(`tree refresh after a stop in expand, ${machine}${ops ? ` after ${ops} workload ops` : ''}: median ${median(times).toFixed(2)} ms (max ${Math.max(...times).toFixed(2)}) for ${nodes} nodes · goal ≤ 20 ms`);
}

function mapStates(machine: string): void {
  const k = Engine.boot(presetMachine(machine)).k;
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 15; i++) {
    const t0 = now();
    n = pageStates(k).length;
    times.push(now() - t0);
  }
  console.log(`memory map page states, ${machine}: median ${median(times).toFixed(2)} ms for ${n} page frames`);
}

treeRefresh('pc-4g-highmem', 0);
treeRefresh('pc-4g-highmem', 20000);
treeRefresh('pae-16g', 0);
for (const m of ['pc-64m', 'pc-2g-highmem', 'pc-4g-highmem', 'pae-16g']) mapStates(m);
