// The stepper: drives a step-mode kernel generator as a debugger drives a program. It keeps
// the call stack itself (each `call` mark pushes a frame, each return pops one), stops on
// probes according to the step kind, and runs a call's run-mode twin when a step need not
// look inside it (step over / out with no breakpoints armed).

import { KernelBug } from '../errors';
import { splitProbe, type CallMark, type Kgen, type ProbeText, type Yielded } from './gen';
import { RUN_TWIN } from './kernel-functions.gen';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'end' | 'exception';

export interface Probe {
  readonly fn: string;
  readonly text: string;
  readonly occurrence: number;
}

export interface FrameInfo {
  readonly fn: string;
  /** The probe this frame is stopped at (for a caller: its call statement). */
  readonly probe: Probe | null;
  /** The frame's locals, read live. */
  readonly locals: () => Record<string, unknown>;
}

export interface Stop {
  readonly reason: StopReason;
  /** Innermost first, as DAP's stackTrace. */
  readonly stack: FrameInfo[];
  readonly probe: Probe | null;
  readonly error?: KernelBug | Error;
  /** Probes seen so far per frame, outermost first: where this stop is, for replay. */
  readonly position: number[];
}

/**
 * A breakpoint test, called at each probe while running: the function and the raw probe
 * (statement text, with `\0occurrence` past the first; see splitProbe). Kept allocation-free:
 * it runs once per statement. `stepper.callStack()` gives the frames when a test needs them.
 */
export type BreakTest = (fn: string, probe: ProbeText, stepper: Stepper) => boolean;

interface Frame {
  fn: string;
  gen: Kgen<unknown>;
  locals: () => Record<string, unknown>;
  probe: ProbeText | null;
  /** Probes this frame has yielded. */
  count: number;
}

const NO_LOCALS = (): Record<string, unknown> => ({});

export class Stepper {
  private readonly stack: Frame[] = [];
  private send: unknown = undefined;
  private finished = false;
  private failure: Error | undefined;
  /** The root's return value once it has finished. */
  result: unknown;

  constructor(rootFn: (...args: any[]) => Kgen<unknown>, args: unknown[]) {
    this.stack.push({ fn: rootFn.name, gen: rootFn(...args), locals: NO_LOCALS, probe: null, count: 0 });
  }

  get done(): boolean {
    return this.finished;
  }

  get depth(): number {
    return this.stack.length;
  }

  /** Probes the innermost frame has yielded so far (1 at its first statement). */
  get topCount(): number {
    return this.stack.length ? this.stack[this.stack.length - 1].count : 0;
  }

  /** The innermost frame's locals, read live. */
  topLocals(): Record<string, unknown> {
    return this.stack.length ? this.stack[this.stack.length - 1].locals() : {};
  }

  /**
   * Replays to a position an earlier stop reported: the frames on its path run in step mode
   * up to their recorded probe counts, every call off the path runs as its run-mode twin.
   */
  runTo(target: readonly number[]): Stop {
    const stack = this.stack;
    try {
      for (;;) {
        if (this.finished) return this.endStop();
        const top = stack[stack.length - 1];
        const r = top.gen.next(this.send);
        this.send = undefined;
        if (r.done) {
          stack.pop();
          if (stack.length === 0) {
            this.finished = true;
            this.result = r.value;
            return this.endStop();
          }
          this.send = r.value;
          continue;
        }
        const y: Yielded = r.value;
        const d = stack.length;
        if (typeof y === 'string') {
          top.probe = y;
          top.count++;
          if (d === target.length && top.count === target[d - 1]) return this.makeStop('step');
          continue;
        }
        if (y.kind === 'locals') {
          top.locals = y.get;
          continue;
        }
        this.enter(y, !(d < target.length && top.count === target[d - 1]));
      }
    } catch (e) {
      this.finished = true;
      this.failure = e as Error;
      return { reason: 'exception', stack: this.frames(), probe: this.currentProbe(), error: e as Error, position: this.position() };
    }
  }

  /** Step into: the next probe at any depth. */
  stepIn(): Stop {
    return this.run(() => true, 'step', null);
  }

  /** Step over: the next probe in this frame or a caller; calls run in run mode if allowed. */
  stepOver(breaks: BreakTest | null = null): Stop {
    const d = this.stack.length;
    return this.run((depth) => depth <= d, 'step', breaks, breaks ? Infinity : d);
  }

  /** Step out: the next probe in a caller. */
  stepOut(breaks: BreakTest | null = null): Stop {
    const d = this.stack.length;
    return this.run((depth) => depth < d, 'step', breaks, breaks ? Infinity : d - 1);
  }

  /** Continue to a breakpoint or the end. With no breakpoints, every call runs in run mode. */
  continue(breaks: BreakTest | null): Stop {
    return this.run(() => false, 'step', breaks, breaks ? Infinity : 0);
  }

  /** Runs to the end and returns the root's result (throws the KernelBug if one stops it). */
  finish(): unknown {
    const stop = this.continue(null);
    if (stop.error) throw stop.error;
    return this.result;
  }

  /**
   * The engine loop. `want(depth)` says whether a probe at that depth is a stop; `runDepth`:
   * a call made from a frame at depth >= runDepth runs as its run-mode twin.
   */
  private run(want: (depth: number) => boolean, reason: StopReason, breaks: BreakTest | null, runDepth = Infinity): Stop {
    if (this.finished) return this.endStop();
    const stack = this.stack;
    try {
      for (;;) {
        const top = stack[stack.length - 1];
        const r = top.gen.next(this.send);
        this.send = undefined;
        if (r.done) {
          stack.pop();
          if (stack.length === 0) {
            this.finished = true;
            this.result = r.value;
            return this.endStop();
          }
          this.send = r.value;
          continue;
        }
        const y: Yielded = r.value;
        if (typeof y === 'string') {
          top.probe = y;
          top.count++;
          if (breaks && breaks(top.fn, y, this)) return this.makeStop('breakpoint');
          if (want(stack.length)) return this.makeStop(reason);
          continue;
        }
        if (y.kind === 'locals') {
          top.locals = y.get;
          continue;
        }
        this.enter(y, stack.length >= runDepth);
      }
    } catch (e) {
      this.finished = true;
      this.failure = e as Error;
      return { reason: 'exception', stack: this.frames(), probe: this.currentProbe(), error: e as Error, position: this.position() };
    }
  }

  private enter(c: CallMark, runMode: boolean): void {
    const twin = runMode ? RUN_TWIN.get(c.fn) : undefined;
    if (twin) {
      this.send = twin(...c.args);
      return;
    }
    this.stack.push({ fn: c.fn.name, gen: c.fn(...c.args), locals: NO_LOCALS, probe: null, count: 0 });
  }

  private probeOf(f: Frame): Probe {
    const { text, occurrence } = splitProbe(f.probe ?? '');
    return { fn: f.fn, text, occurrence };
  }

  private currentProbe(): Probe | null {
    const top = this.stack[this.stack.length - 1];
    return top && top.probe !== null ? this.probeOf(top) : null;
  }

  /** The frames, innermost first. */
  callStack(): FrameInfo[] {
    return this.frames();
  }

  private frames(): FrameInfo[] {
    const out: FrameInfo[] = [];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      out.push({ fn: f.fn, probe: f.probe === null ? null : this.probeOf(f), locals: f.locals });
    }
    return out;
  }

  private position(): number[] {
    return this.stack.map((f) => f.count);
  }

  private makeStop(reason: StopReason): Stop {
    return { reason, stack: this.frames(), probe: this.currentProbe(), position: this.position() };
  }

  private endStop(): Stop {
    if (this.failure) return { reason: 'exception', stack: [], probe: null, error: this.failure, position: [] };
    return { reason: 'end', stack: [], probe: null, position: [] };
  }
}
