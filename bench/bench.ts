// `npm run bench`: run-mode boot time (median) and engine-state memory per machine, the
// allocator's throughput on the shared workloads, and what stepping costs. Prints figures;
// asserts nothing (goals are read off, not tested: time here is noisy).

import { Engine } from '../src/engine/engine';
import { presetMachine } from '../src/engine/machine';
import { runBenchWorkload } from '../src/bench-workload';
import { debugBench } from './debug';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const ms = (ns: bigint): number => Number(ns) / 1e6;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function bootFigures(name: string, runs: number): void {
  // The first boot in a process pays for the JIT; it is reported apart, not in the median.
  const c0 = process.hrtime.bigint();
  Engine.boot(presetMachine(name));
  const cold = ms(process.hrtime.bigint() - c0);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const e = Engine.boot(presetMachine(name));
    times.push(ms(process.hrtime.bigint() - t0));
    if (!e.booted) throw new Error('did not boot');
  }
  // Engine state: arrayBuffers + heapUsed added by one boot, measured apart with forced GCs.
  let mem = NaN;
  if ((globalThis as { gc?: unknown }).gc) {
    gc();
    const before = process.memoryUsage();
    const keep = Engine.boot(presetMachine(name));
    gc();
    const after = process.memoryUsage();
    mem = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed);
    if (!keep.booted) throw new Error('did not boot');
  }
  console.log(`boot ${name.padEnd(14)} median ${median(times).toFixed(1)} ms over ${runs} runs (min ${Math.min(...times).toFixed(1)}, first boot in the process ${cold.toFixed(0)} ms); engine state ${Number.isNaN(mem) ? '(run node with --expose-gc)' : (mem / 2 ** 20).toFixed(1) + ' MiB'}`);
}

function stepBoot(name: string): void {
  const { stepper } = Engine.stepBoot(presetMachine(name));
  let steps = 0;
  const t0 = process.hrtime.bigint();
  while (!stepper.done) {
    stepper.stepIn();
    steps++;
  }
  const t = ms(process.hrtime.bigint() - t0);
  console.log(`step-mode boot ${name}: ${steps} probes in ${t.toFixed(0)} ms = ${((t * 1e6) / steps).toFixed(0)} ns/probe (every statement a stop)`);
}

function workloads(): void {
  for (const [workload, ops] of [['pairs', 2_000_000], ['mixed', 2_000_000]] as const) {
    const rates: number[] = [];
    let checksum = 0;
    for (let i = 0; i < 5; i++) {
      const e = Engine.boot(presetMachine('pc-512m'));
      const r = runBenchWorkload(e, workload, ops, 1);
      rates.push(ops / (r.ns / 1e9));
      checksum = r.checksum;
    }
    const unit = workload === 'pairs' ? 'alloc+free pairs/s' : 'ops/s';
    console.log(`run mode ${workload.padEnd(5)} on pc-512m: median ${(median(rates) / 1e6).toFixed(2)} M ${unit} (${ops} ops x 5, checksum ${checksum})`);
  }
}

function steppedWorkload(): void {
  // The same order-0 pair loop, each request driven through the stepper with a probe
  // listener attached (a breakpoint test that never fires): the cost of stepping.
  const e = Engine.boot(presetMachine('pc-512m'));
  const n = 20_000;
  let probes = 0;
  const listener = (): boolean => {
    probes++;
    return false;
  };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = e.stepAlloc('GFP_KERNEL', 0);
    s.continue(listener);
    const p = s.result as number;
    const f = e.stepFree(p, 0);
    f.continue(listener);
  }
  const t = Number(process.hrtime.bigint() - t0);
  console.log(`step mode pairs with a probe listener: ${((n / t) * 1e9 / 1e6).toFixed(3)} M pairs/s (${(probes / n).toFixed(0)} probes per pair, ${(t / probes).toFixed(0)} ns/probe)`);
}

const only = process.argv[2];
if (!only || only === 'boot') {
  bootFigures('pc-512m', 9);
  bootFigures('pc-4g-highmem', 9);
  bootFigures('pae-16g', 5);
}
if (!only || only === 'alloc') {
  workloads();
  steppedWorkload();
}
if (!only || only === 'step') {
  stepBoot('pc-64m');
}
if (!only || only === 'debug') {
  void debugBench();
}
