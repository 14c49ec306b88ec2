// The views' commands: alloc_pages and free_pages on the machine shown (gfp by name or
// number; a block from the tree or a pfn), the mixed workload behind a progress
// notification, and show_free_areas with /proc/buddyinfo in the output channel. A request the
// engine refuses changes nothing and says why; each one that runs publishes the new state.

import * as vscode from 'vscode';
import { Engine, runKernel } from '../engine/engine';
import { KernelBug, RequestError } from '../engine/errors';
import { parseGfp } from '../engine/inspect/gfp';
import { buddyinfo } from '../engine/inspect/report';
import { show_free_areas_core } from '../engine/mm/page_alloc/show';
import { caption } from './caption';
import { currentPublication, publishEngine } from './model';
import type { Node } from './node';
import { mm24Output } from './output';
import type { TouchedBlock } from './protocol';
import { MixedWorkload } from './workload';

export const COMMANDS = {
  allocPages: 'mm24.allocPages',
  freePages: 'mm24.freePages',
  runWorkload: 'mm24.runWorkload',
  showFreeAreas: 'mm24.showFreeAreas',
} as const;

export function registerRequestCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.allocPages, allocPages),
    vscode.commands.registerCommand(COMMANDS.freePages, freePages),
    vscode.commands.registerCommand(COMMANDS.runWorkload, runWorkload),
    vscode.commands.registerCommand(COMMANDS.showFreeAreas, showFreeAreas),
  );
}

/**
 * The engine requests may run on: the one a command booted, or a debugged kernel once no mm24
 * debug session holds it (a running session owns its kernel: its launch "run" list drives it).
 */
async function requestEngine(): Promise<Engine | undefined> {
  const pub = currentPublication();
  if (!pub) {
    const boot = vscode.l10n.t('Boot a machine…');
    if ((await vscode.window.showErrorMessage(vscode.l10n.t('mm24: no machine is booted.'), boot)) === boot) await vscode.commands.executeCommand('mm24.bootMachine');
    return undefined;
  }
  if (pub.engine) return pub.engine;
  if (vscode.debug.activeDebugSession?.type === 'mm24') {
    void vscode.window.showErrorMessage(vscode.l10n.t('mm24: the machine shown belongs to the running debug session; requests go in its launch configuration ("run"), or stop the session first.'));
    return undefined;
  }
  if (!pub.k.booted) {
    void vscode.window.showErrorMessage(vscode.l10n.t('mm24: {0} did not finish booting (mem_init has not run); boot a machine first.', pub.k.machine.name));
    return undefined;
  }
  return Engine.adopt(pub.k.machine, pub.k);
}

const isWhole = (s: string): boolean => /^(0x[0-9a-f]+|\d+)$/i.test(s.trim());

function refused(what: string, e: unknown): undefined {
  if (e instanceof RequestError) void vscode.window.showErrorMessage(vscode.l10n.t('{0} refused, nothing changed: {1}', what, e.message));
  else if (e instanceof KernelBug) void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', what, e.message));
  else throw e;
  return undefined;
}

/** alloc_pages(gfp_mask, order); resolves to the pfn, null when 2.4.0 returns NULL, undefined when cancelled or refused. */
async function allocPages(gfpArg?: string | number, orderArg?: number): Promise<number | null | undefined> {
  const engine = await requestEngine();
  if (!engine) return undefined;
  const highmem = engine.k.CONFIG_HIGHMEM;
  const gfp = gfpArg ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('alloc_pages: gfp_mask'),
    prompt: vscode.l10n.t('A gfp mask by name or number: GFP_KERNEL, GFP_DMA|GFP_ATOMIC, GFP_HIGHUSER, 0x15, 7'),
    value: 'GFP_KERNEL',
    validateInput: (v) => {
      try {
        parseGfp(isWhole(v) ? Number(v) : v, highmem);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  }));
  if (gfp === undefined) return undefined;
  const orderText = orderArg ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('alloc_pages: order'),
    prompt: vscode.l10n.t('The order: 2^order contiguous pages (0..9; 2.4.0 returns NULL from 10 on)'),
    value: '0',
    validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number ≥ 0')),
  }));
  if (orderText === undefined) return undefined;
  const spec = typeof gfp === 'string' && isWhole(gfp) ? Number(gfp) : gfp;
  const order = Number(orderText);
  const call = `alloc_pages(${spec}, ${order})`;
  let pfn: number | null;
  try {
    pfn = engine.alloc(spec, order);
  } catch (e) {
    return refused(call, e);
  }
  publishEngine(engine, 'request', pfn === null ? [] : [{ pfn, pages: 1 << order, kind: 'alloc' }]);
  if (pfn === null) void vscode.window.showWarningMessage(vscode.l10n.t('{0} returned NULL: no zone on its zonelist could give 2^{1} pages.', call, order));
  else void vscode.window.showInformationMessage(vscode.l10n.t('{0} = page frame {1} (physical {2})', call, pfn, `0x${(pfn * 4096).toString(16)}`));
  return pfn;
}

/** free_pages by block (a tree item) or pfn and order; resolves to true when freed. */
async function freePages(arg?: Node | number, orderArg?: number): Promise<boolean | undefined> {
  const engine = await requestEngine();
  if (!engine) return undefined;
  const k = engine.k;
  let pfn: number;
  let order: number;
  if (typeof arg === 'object' && arg.block) {
    ({ pfn, order } = arg.block);
  } else {
    const pfnText = typeof arg === 'number' ? String(arg) : await vscode.window.showInputBox({
      title: vscode.l10n.t('free_pages: page frame'),
      prompt: vscode.l10n.t('The first page frame of a block alloc_pages handed out (a number, or 0x…)'),
      validateInput: (v) => (isWhole(v) ? undefined : vscode.l10n.t('A page frame number')),
    });
    if (pfnText === undefined) return undefined;
    pfn = Number(pfnText.trim());
    const held = pfn >= 0 && pfn < k.npages ? k.alloc_order[pfn] : -1;
    const orderText = orderArg !== undefined ? String(orderArg) : await vscode.window.showInputBox({
      title: vscode.l10n.t('free_pages: order'),
      prompt: vscode.l10n.t('The order it was allocated with'),
      value: String(Math.max(0, held)),
      validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number ≥ 0')),
    });
    if (orderText === undefined) return undefined;
    order = Number(orderText.trim());
  }
  const call = `free_pages(${pfn}, ${order})`;
  try {
    engine.free(pfn, order);
  } catch (e) {
    return refused(call, e);
  }
  const touched: TouchedBlock[] = [{ pfn, pages: 1 << order, kind: 'free' }];
  const merged = mergedBlock(engine, pfn);
  if (merged && merged.pages > 1 << order) touched.push({ ...merged, kind: 'merge' });
  publishEngine(engine, 'request', touched);
  void vscode.window.showInformationMessage(
    merged ? vscode.l10n.t('{0}: now in a free block of {1} pages at {2}', call, merged.pages, merged.pfn) : vscode.l10n.t('{0} done', call),
  );
  return true;
}

/** The free block holding pfn after __free_pages_ok has merged it. */
function mergedBlock(engine: Engine, pfn: number): { pfn: number; pages: number } | null {
  const k = engine.k;
  const base = k.zones[k.page_zone[pfn]]?.offset ?? 0;
  for (let o = 0; o < 10; o++) {
    const head = base + ((pfn - base) & ~((1 << o) - 1));
    if (k.free_order[head] === o) return { pfn: head, pages: 1 << o };
  }
  return null;
}

export interface WorkloadReport { ops: number; allocs: number; failed: number; frees: number; held: number; checksum: number }

/** design.md's mixed workload (the bench's LCG), in slices behind a cancellable progress notification. */
async function runWorkload(opsArg?: number, seedArg?: number): Promise<WorkloadReport | undefined> {
  const engine = await requestEngine();
  if (!engine) return undefined;
  const whole = (v: string): string | undefined => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) <= 10_000_000 ? undefined : vscode.l10n.t('A whole number from 1 to 10000000'));
  const opsText = opsArg !== undefined ? String(opsArg) : await vscode.window.showInputBox({ title: vscode.l10n.t('Mixed workload: how many ops'), value: '10000', validateInput: whole });
  if (opsText === undefined) return undefined;
  const seedText = seedArg !== undefined ? String(seedArg) : await vscode.window.showInputBox({ title: vscode.l10n.t('Mixed workload: seed'), value: '1', validateInput: whole });
  if (seedText === undefined) return undefined;
  const w = new MixedWorkload(engine, Number(opsText), Number(seedText));
  const slice = 5000;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('mm24: mixed workload on {0}', engine.machine.name), cancellable: true },
      async (progress, token) => {
        while (!token.isCancellationRequested && !w.run(slice)) {
          progress.report({ increment: (slice / w.ops) * 100, message: vscode.l10n.t('{0} of {1} ops', w.done, w.ops) });
          await new Promise((r) => setTimeout(r, 0));
        }
      },
    );
  } catch (e) {
    publishEngine(engine, 'workload');
    return refused(vscode.l10n.t('mixed workload'), e);
  }
  publishEngine(engine, 'workload');
  const r: WorkloadReport = { ops: w.done, allocs: w.allocs, failed: w.failed, frees: w.frees, held: w.held, checksum: w.checksum };
  void vscode.window.showInformationMessage(vscode.l10n.t('Mixed workload: {0} ops ({1} alloc_pages, {2} NULL, {3} free_pages); {4} blocks still held; checksum {5}', r.ops, r.allocs, r.failed, r.frees, r.held, r.checksum));
  return r;
}

/** show_free_areas (2.4.0's SysRq-M report) and /proc/buddyinfo of the machine shown; resolves to the lines. */
function showFreeAreas(): string[] | undefined {
  const pub = currentPublication();
  // free_area_init_core initialises the free lists, then build_zonelists runs: from then on they can be walked.
  if (!pub || !pub.k.zonelists_built) {
    void vscode.window.showErrorMessage(vscode.l10n.t('mm24: no machine with zones yet; boot a machine first.'));
    return undefined;
  }
  const free: string[] = [];
  runKernel(show_free_areas_core, pub.k, free);
  const info = buddyinfo(pub.k).filter((line) => !line.startsWith('#'));
  // One report per channel view, as Boot a machine… leaves one boot log.
  const out = mm24Output();
  out.clear();
  const lines = [
    `── ${caption(pub, vscode.l10n)} ──`,
    vscode.l10n.t('── show_free_areas() (SysRq-M) ──'),
    ...free,
    vscode.l10n.t('── /proc/buddyinfo (a Linux 2.6+ file, 2.4.0 has none; same counts) ──'),
    ...info,
  ];
  for (const l of lines) out.appendLine(l);
  out.show(true);
  return lines;
}
