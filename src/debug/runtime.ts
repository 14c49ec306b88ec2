// The debuggee: a machine's boot and the requests after it, run as "phases" through the
// engine's stepper, with breakpoints (line, function, condition, hit count, log), step back
// by replay (the engine is deterministic), and the mapping of probes to source lines. No
// `vscode` here and nothing of how the engine stores state: the stepper, Engine and the
// inspectors are the only doors.

import { Engine } from '../engine/engine';
import { RequestError } from '../engine/errors';
import { splitProbe, type ProbeText } from '../engine/exec/gen';
import { PROBE_TABLE } from '../engine/exec/probe-table.gen';
import type { BreakTest, FrameInfo, Stop, Stepper } from '../engine/exec/stepper';
import { evaluate, truthy } from '../engine/inspect/expr';
import { show } from '../engine/inspect/values';
import type { Machine } from '../engine/machine';
import type { Kernel } from '../engine/state';

export type Request = { kind: 'alloc'; gfp: number | string; order: number; text: string } | { kind: 'free'; pfn: number; order: number; text: string };

/** Parses `alloc_pages(GFP_KERNEL, 3)`, `__get_free_pages(…)`, `free_pages(pfn, order)`, `__free_pages(…)`. */
export function parseRequest(text: string): Request {
  const m = /^\s*(alloc_pages|__get_free_pages|free_pages|__free_pages)\s*\(\s*([^,]+?)\s*,\s*(\d+)\s*\)\s*;?\s*$/.exec(text);
  if (!m) throw new RequestError(`"${text}" is not a request; write alloc_pages(GFP_KERNEL, 3) or free_pages(4355, 0)`, 'run');
  const order = Number(m[3]);
  if (m[1] === 'alloc_pages' || m[1] === '__get_free_pages') {
    const gfp = /^(0x[0-9a-f]+|\d+)$/i.test(m[2]) ? Number(m[2]) : m[2];
    return { kind: 'alloc', gfp, order, text: text.trim() };
  }
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(m[2])) throw new RequestError(`"${m[2]}" is not a pfn in "${text}"`, 'run');
  return { kind: 'free', pfn: Number(m[2]), order, text: text.trim() };
}

export interface Breakpoint {
  readonly id: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

/** Where a stop is: the phase (0 = boot, n = the n-th request) and the stepper's position. */
interface Position {
  phase: number;
  path: number[];
}

export interface RuntimeEvents {
  output(text: string, category?: 'console' | 'stdout' | 'stderr'): void;
}

export class Mm24Runtime {
  engine!: Engine;
  private stepper: Stepper | null = null;
  phase = 0;
  private readonly history: Position[] = [];
  /** Kernel state at the start of each request phase (a clone, never mutated). */
  private readonly checkpoints = new Map<number, Kernel>();
  private readonly lineBps = new Map<string, Breakpoint>();
  private readonly fnBps = new Map<string, Breakpoint>();
  private readonly bySource = new Map<string, string[]>();
  private dataBps: { id: number; expr: string; fn?: string; last: string }[] = [];
  private readonly lastValues = new Map<string, string>();
  private prevProbe: { fn: string; probe: ProbeText } | null = null;
  /** Set when the last stop was a watched value changing: what changed, where. */
  lastDataChange: string | null = null;
  private nextBpId = 1;
  lastStop: Stop | null = null;
  /** Results of the requests run so far, by phase. */
  readonly results: (number | null)[] = [];

  constructor(readonly machine: Machine, readonly requests: Request[], private readonly events: RuntimeEvents) {
    this.reset();
  }

  private reset(): void {
    const { engine, stepper } = Engine.stepBoot(this.machine);
    this.engine = engine;
    this.stepper = stepper;
    this.phase = 0;
    this.results.length = 0;
  }

  get kernel(): Kernel {
    return this.engine.k;
  }

  // ---- breakpoints ----

  /** Replaces the breakpoints of one source with these, each on a probe (function + raw probe). */
  setLineBreakpoints(source: string, bps: { fn: string; probe: ProbeText; condition?: string; hitCondition?: string; logMessage?: string }[]): Breakpoint[] {
    for (const key of this.bySource.get(source) ?? []) this.lineBps.delete(key);
    const keys: string[] = [];
    const out = bps.map((b) => {
      const bp: Breakpoint = { id: this.nextBpId++, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage, hits: 0 };
      const key = `${b.fn}\u0001${b.probe}`;
      this.lineBps.set(key, bp);
      keys.push(key);
      return bp;
    });
    this.bySource.set(source, keys);
    return out;
  }

  setFunctionBreakpoints(names: { name: string; condition?: string; hitCondition?: string }[]): (Breakpoint | null)[] {
    this.fnBps.clear();
    return names.map((n) => {
      if (!PROBE_TABLE[n.name]) return null;
      const bp: Breakpoint = { id: this.nextBpId++, condition: n.condition, hitCondition: n.hitCondition, hits: 0 };
      this.fnBps.set(n.name, bp);
      return bp;
    });
  }

  /** Watches: an expression (in the scope of function `fn` when it is on the stack) and its last value. */
  setDataBreakpoints(list: { expr: string; fn?: string }[]): ({ id: number } | null)[] {
    this.dataBps = [];
    return list.map((d) => {
      const last = this.watchValue(d.expr, d.fn);
      if (last === null) return null;
      const bp = { id: this.nextBpId++, expr: d.expr, fn: d.fn, last };
      this.dataBps.push(bp);
      return bp;
    });
  }

  private watchValue(expr: string, fn?: string): string | null {
    const frames = this.stepper?.callStack() ?? this.lastStop?.stack ?? [];
    const f = fn ? frames.find((x) => x.fn === fn) : undefined;
    if (fn && !f) return this.lastValues.get(expr) ?? null;
    try {
      const v = show(evaluate(expr, { k: this.engine.k, fn: f?.fn, locals: f?.locals() }));
      this.lastValues.set(expr, v);
      return v;
    } catch {
      return null;
    }
  }

  private hasBreakpoints(): boolean {
    return this.lineBps.size > 0 || this.fnBps.size > 0 || this.dataBps.length > 0;
  }

  private readonly breakTest: BreakTest = (fn, probe, stepper) => {
    this.lastDataChange = null;
    if (this.dataBps.length) {
      const prev = this.prevProbe;
      this.prevProbe = { fn, probe };
      for (const d of this.dataBps) {
        const now = this.watchValue(d.expr, d.fn);
        if (now !== null && now !== d.last) {
          const by = prev ? `${splitProbe(prev.probe).text} (${prev.fn})` : 'the previous statement';
          this.lastDataChange = `${d.expr} changed from ${d.last} to ${now} at ${by}`;
          d.last = now;
          return true;
        }
      }
    }
    const bp = this.lineBps.get(`${fn}\u0001${probe}`) ?? (stepper.topCount === 1 ? this.fnBps.get(fn) : undefined);
    if (!bp) return false;
    const scope = { k: this.engine.k, fn, locals: stepper.topLocals() };
    if (bp.condition) {
      try {
        if (!truthy(evaluate(bp.condition, scope))) return false;
      } catch (e) {
        this.events.output(`mm24: breakpoint condition "${bp.condition}": ${(e as Error).message}\n`, 'stderr');
        return true;
      }
    }
    bp.hits++;
    if (bp.hitCondition && !hitConditionMet(bp.hits, bp.hitCondition)) return false;
    if (bp.logMessage) {
      this.events.output(interpolate(bp.logMessage, (expr) => show(evaluate(expr, scope))) + '\n', 'console');
      return false;
    }
    return true;
  };

  // ---- execution ----

  stepIn(): Stop { return this.drive((s) => s.stepIn()); }
  stepOver(): Stop { return this.drive((s) => s.stepOver(this.hasBreakpoints() ? this.breakTest : null)); }
  stepOut(): Stop { return this.drive((s) => s.stepOut(this.hasBreakpoints() ? this.breakTest : null)); }
  continue(): Stop { return this.drive((s) => s.continue(this.hasBreakpoints() ? this.breakTest : null), true); }

  /** Runs one kind of step; when a phase ends, the next request's phase begins. */
  private drive(step: (s: Stepper) => Stop, acrossPhases = false): Stop {
    this.lastDataChange = null;
    for (;;) {
      if (!this.stepper) return this.record({ reason: 'end', stack: [], probe: null, position: [] });
      const stop = step(this.stepper);
      if (stop.reason !== 'end') return this.record(stop);
      if (this.phase > 0) this.results.push(this.stepper.result as number < 0 ? null : (this.stepper.result as number | null) ?? null);
      if (!this.nextPhase()) return this.record(stop);
      // A step that ran off the end of one phase stops at the first statement of the next.
      if (!acrossPhases) return this.record(this.stepper!.stepIn());
    }
  }

  /** Starts the next request; false when there is none. */
  private nextPhase(): boolean {
    while (this.phase < this.requests.length) {
      const r = this.requests[this.phase];
      this.phase++;
      if (!this.checkpoints.has(this.phase)) this.checkpoints.set(this.phase, this.engine.k.clone());
      try {
        this.stepper = r.kind === 'alloc' ? this.engine.stepAlloc(r.gfp, r.order) : this.engine.stepFree(r.pfn, r.order);
        this.events.output(`mm24: ${r.text}\n`, 'console');
        return true;
      } catch (e) {
        if (!(e instanceof RequestError)) throw e;
        this.events.output(`mm24: ${r.text} refused: ${e.message}\n`, 'stderr');
        this.results.push(null);
      }
    }
    this.stepper = null;
    return false;
  }

  private record(stop: Stop): Stop {
    this.lastStop = stop;
    if (stop.reason !== 'end' && stop.reason !== 'exception') this.history.push({ phase: this.phase, path: stop.position });
    return stop;
  }

  get canStepBack(): boolean {
    return this.history.length > 1;
  }

  /** To the previous stop, by replaying the deterministic engine from a checkpoint. */
  stepBack(): Stop {
    if (this.history.length < 2) return this.lastStop ?? { reason: 'entry', stack: [], probe: null, position: [] };
    this.history.pop();
    const target = this.history.pop()!;
    return this.record(this.replay(target));
  }

  /** Back to the most recent earlier stop where a breakpoint holds (or the first stop). */
  reverseContinue(): Stop {
    const current = this.history[this.history.length - 1];
    if (!current) return this.lastStop!;
    // Replay forward from the start of the program, remembering breakpoint hits before `current`.
    const hits: Position[] = [];
    this.rebuild(0);
    const saved = new Map([...this.lineBps, ...this.fnBps].map(([k, b]) => [k, b.hits]));
    for (;;) {
      const stop = this.stepper ? this.stepper.continue(this.breakTest) : null;
      const here = { phase: this.phase, path: stop?.position ?? [] };
      if (!stop || stop.reason !== 'breakpoint' || !before(here, current)) {
        if (stop && stop.reason === 'end' && this.phase < current.phase && this.nextPhase()) continue;
        if (!stop || stop.reason !== 'breakpoint' || !before(here, current)) break;
      }
      hits.push(here);
    }
    for (const [k, b] of [...this.lineBps, ...this.fnBps]) b.hits = saved.get(k) ?? b.hits;
    const target = hits.length ? hits[hits.length - 1] : this.history[0];
    this.history.length = 0;
    return this.record(this.replay(target));
  }

  /** Restarts the phase of `target` from its checkpoint and runs to its position. */
  private replay(target: Position): Stop {
    this.rebuild(target.phase);
    return this.stepper!.runTo(target.path);
  }

  private rebuild(phase: number): void {
    if (phase === 0) {
      this.reset();
      return;
    }
    const k = this.checkpoints.get(phase)!.clone();
    this.engine = Engine.adopt(this.machine, k);
    this.results.length = phase - 1;
    const r = this.requests[phase - 1];
    this.phase = phase;
    this.stepper = r.kind === 'alloc' ? this.engine.stepAlloc(r.gfp, r.order) : this.engine.stepFree(r.pfn, r.order);
  }

  restart(): void {
    this.history.length = 0;
    this.reset();
  }

  // ---- inspection ----

  frames(): FrameInfo[] {
    return this.lastStop?.stack ?? [];
  }

  evaluate(expr: string, frame?: FrameInfo): string {
    return show(evaluate(expr, { k: this.engine.k, fn: frame?.fn, locals: frame?.locals() }));
  }
}

function before(a: Position, b: Position): boolean {
  if (a.phase !== b.phase) return a.phase < b.phase;
  for (let i = 0; i < Math.max(a.path.length, b.path.length); i++) {
    const x = a.path[i] ?? 0;
    const y = b.path[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** DAP hit conditions: "5" (the 5th and later), ">= 5", "== 5", "% 3". */
export function hitConditionMet(hits: number, cond: string): boolean {
  const m = /^\s*(>=|==|>|<=|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '==': return hits === n;
    case '>': return hits > n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits >= n;
  }
}

/** Logpoint text: `{expr}` replaced by its value. */
export function interpolate(msg: string, value: (expr: string) => string): string {
  return msg.replace(/\{([^}]+)\}/g, (_m, expr: string) => {
    try {
      return value(expr);
    } catch (e) {
      return `<${(e as Error).message}>`;
    }
  });
}

export function probeKey(fn: string, text: string, occurrence: number): string {
  return `${fn}\u0001${occurrence > 1 ? `${text}\u0000${occurrence}` : text}`;
}

export { splitProbe };
