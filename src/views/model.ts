// The machine the views show, published as one snapshot at a time (style rule 4: the
// simulation updates, then publishes; views re-render from the publication and only read the
// kernel). Two doors: the debug adapter publishes its kernel at each stop, the commands
// (Boot a machine…, alloc_pages, free_pages, the workload) publish the engine they own.
// No `vscode` here, so the debug session can import it.

import type { Engine } from '../engine/engine';
import type { FrameInfo } from '../engine/exec/stepper';
import type { Kernel } from '../engine/state';
import { focusOfStack, type Focus } from './focus';
import type { TouchedBlock } from './protocol';
import { changedPaths, summarize, type Summary } from './summary';

export type PublishReason =
  /** A machine has just booted (run mode) or a debug session started: nothing is "changed". */
  | 'boot'
  /** The debugger stopped. */
  | 'stop'
  /** The debug session ended; the kernel stays as it was left. */
  | 'end'
  /** alloc_pages or free_pages from a command. */
  | 'request'
  | 'workload';

export interface Publication {
  /** Increases by one per publication. */
  readonly seq: number;
  readonly k: Kernel;
  readonly reason: PublishReason;
  /** Who owns the kernel: requests from commands act only on a machine no debugger holds. */
  readonly origin: 'command' | 'debug';
  /** The engine, when a command booted the machine. */
  readonly engine?: Engine;
  /** The stopped statement's function and what it works on (debug stops only). */
  readonly focus: Focus | null;
  /** Blocks to highlight: the focus's, or what the last request touched. */
  readonly touched: readonly TouchedBlock[];
  readonly summary: Summary;
  /** The previous publication's summary, when it is of the same machine (and not a boot). */
  readonly prev: Summary | null;
  /** Summary paths changed since the previous publication (see summary.ts). */
  readonly changed: ReadonlySet<string>;
}

type Listener = (p: Publication) => void;

let current: Publication | undefined;
const listeners = new Set<Listener>();

function publish(p: Omit<Publication, 'seq' | 'summary' | 'prev' | 'changed'>): Publication {
  if (!listeners.size && p.origin === 'debug') {
    // Nobody shows it (the stdio adapter, a bench): keep stops O(1), summarize on demand.
    let summary: Summary | undefined;
    const quiet = { ...p, seq: (current?.seq ?? 0) + 1, prev: null, changed: new Set<string>() } as Omit<Publication, 'summary'>;
    Object.defineProperty(quiet, 'summary', { get: () => (summary ??= summarize(p.k)), enumerable: true });
    current = quiet as Publication;
    return current;
  }
  const summary = summarize(p.k);
  const prev = current;
  // Nothing is "changed" on a new machine, nor at a debug session's first stop: its launch
  // published a kernel that had not started booting.
  const fresh = p.reason === 'boot' || !prev || prev.k.machine !== p.k.machine || (prev.origin === 'debug' && prev.reason === 'boot');
  const pub: Publication = {
    ...p,
    seq: (prev?.seq ?? 0) + 1,
    summary,
    prev: fresh ? null : prev.summary,
    changed: fresh ? new Set() : changedPaths(prev.summary, summary),
  };
  current = pub;
  for (const l of [...listeners]) l(pub);
  return pub;
}

/**
 * The debug adapter's door: call after each stop (reason 'stop', with the stopped stack,
 * innermost frame first), when a session's machine is created ('boot') and when it ends
 * ('end'). The kernel is read, never kept beyond the next publication.
 */
export function publishKernel(k: Kernel, reason: 'boot' | 'stop' | 'end', stack: readonly FrameInfo[] = []): Publication {
  const focus = reason === 'stop' ? focusOfStack(stack) : null;
  return publish({ k, reason, origin: 'debug', focus, touched: focus?.touched ?? [] });
}

/** The commands' door: an engine they booted or ran a request on, and what the request touched. */
export function publishEngine(engine: Engine, reason: 'boot' | 'request' | 'workload', touched: readonly TouchedBlock[] = []): Publication {
  return publish({ k: engine.k, reason, origin: 'command', engine, focus: null, touched });
}

export function currentPublication(): Publication | undefined {
  return current;
}

export function onDidPublish(listener: Listener): { dispose(): void } {
  listeners.add(listener);
  return { dispose: () => listeners.delete(listener) };
}

/** Forgets the machine (tests, deactivation). */
export function resetPublications(): void {
  current = undefined;
}
