// The three markers a modelled kernel function yields, and the generator type it returns.
// Kernel functions are written once as generators (step mode); scripts/derive-run-mode.mjs
// derives the plain run-mode functions from them by dropping `$`/`frame` yields and turning
// `yield call(f, ...)` into `f(...)`. Keep every marker on the forms that script knows.

/** A probe: the normalised C text of the statement about to execute. */
export type ProbeText = string;

/** Published once at the top of a kernel function: reads its locals, live. */
export interface LocalsMark {
  readonly kind: 'locals';
  readonly get: () => Record<string, unknown>;
}

/** A call to another modelled kernel function. */
export interface CallMark {
  readonly kind: 'call';
  readonly fn: (...args: any[]) => Kgen<unknown>;
  readonly args: unknown[];
}

export type Yielded = ProbeText | LocalsMark | CallMark;

/** What a modelled kernel function returns in step mode. Run mode turns Kgen<T> into T. */
export type Kgen<T> = Generator<Yielded, T, any>;

/**
 * A probe. `occurrence` tells apart equal statement texts in one function (1-based, source
 * order); it is folded into the text after a NUL so probes stay plain strings.
 */
export function $(text: string, occurrence?: number): ProbeText {
  return occurrence ? `${text}\u0000${occurrence}` : text;
}

export function splitProbe(p: ProbeText): { text: string; occurrence: number } {
  const at = p.indexOf('\u0000');
  return at < 0 ? { text: p, occurrence: 1 } : { text: p.slice(0, at), occurrence: Number(p.slice(at + 1)) };
}

export function frame(get: () => Record<string, unknown>): LocalsMark {
  return { kind: 'locals', get };
}

export function call<A extends unknown[], T>(fn: (...args: A) => Kgen<T>, ...args: A): CallMark {
  return { kind: 'call', fn: fn as CallMark['fn'], args };
}
