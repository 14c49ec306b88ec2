// "mm24: Boot a machine…": a preset or a machine JSON file, booted in run mode behind a
// progress notification; the kernel's boot log, show_free_areas and /proc/buddyinfo go to the
// "mm24" output channel. A description the engine refuses changes nothing but an error message.

import * as vscode from 'vscode';
import { Engine, runKernel } from '../engine/engine';
import { KernelBug, MachineError } from '../engine/errors';
import { buddyinfo } from '../engine/inspect/report';
import { PRESET_NAMES, parseMachine, presetMachine, type Machine } from '../engine/machine';
import { show_free_areas_core } from '../engine/mm/page_alloc/show';
import { publishEngine } from '../views/model';
import { mm24Output } from '../views/output';

export const BOOT_COMMAND = 'mm24.bootMachine';

/** What one boot printed; also the command's result, so extension-host tests can read it. */
export interface BootReport {
  machine: string;
  log: string[];
  show_free_areas: string[];
  buddyinfo: string[];
}

/** A machine the user chose, not yet validated when it comes from a file. */
type Choice = { kind: 'preset'; name: string } | { kind: 'file'; uri: vscode.Uri };

export function registerBootMachine(context: vscode.ExtensionContext): void {
  const channel = mm24Output();
  context.subscriptions.push(
    channel,
    vscode.commands.registerCommand(BOOT_COMMAND, (arg?: unknown) => bootMachine(channel, arg)),
  );
}

/**
 * The command. `arg` skips the pick: a preset name or a file Uri (what a walkthrough link or
 * a test passes). Resolves to the report, or undefined when cancelled or refused.
 */
async function bootMachine(channel: vscode.OutputChannel, arg?: unknown): Promise<BootReport | undefined> {
  const choice = arg === undefined ? await pickMachine() : choiceFromArg(arg);
  if (!choice) return undefined;
  const machine = await loadMachine(choice);
  if (!machine) return undefined;
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Booting {0} (Linux 2.4.0, run mode)…', machine.name),
    },
    async () => {
      // Let the notification paint before the boot holds the extension host for a moment.
      await new Promise((r) => setTimeout(r, 30));
      return boot(machine);
    },
  );
  if (!report) return undefined;
  show(channel, report);
  return report;
}

function choiceFromArg(arg: unknown): Choice | undefined {
  if (arg instanceof vscode.Uri) return { kind: 'file', uri: arg };
  if (typeof arg === 'string') return { kind: 'preset', name: arg };
  void vscode.window.showErrorMessage(vscode.l10n.t('mm24: expected a preset name or a machine JSON file, got {0}', JSON.stringify(arg)));
  return undefined;
}

interface MachineItem extends vscode.QuickPickItem {
  choice?: 'file';
  preset?: string;
}

async function pickMachine(): Promise<Choice | undefined> {
  const items: MachineItem[] = PRESET_NAMES.map((name) => ({ label: name, description: describe(presetMachine(name)), preset: name }));
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(file) ${vscode.l10n.t('Machine JSON file…')}`, description: vscode.l10n.t('an E820 map and kernel configuration'), choice: 'file' },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Boot a machine (Linux 2.4.0, run mode)'),
    placeHolder: vscode.l10n.t('Choose a preset, or a machine JSON file'),
  });
  if (!picked) return undefined;
  if (picked.preset) return { kind: 'preset', name: picked.preset };
  const files = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Boot'),
    filters: { [vscode.l10n.t('Machine description')]: ['json'] },
  });
  return files?.[0] ? { kind: 'file', uri: files[0] } : undefined;
}

/** "2048 MB RAM · HIGHMEM4G": the RAM the E820 map offers and the kernel configuration. */
function describe(m: Machine): string {
  const ram = m.e820.filter((e) => e.type === 1).reduce((sum, e) => sum + e.size, 0);
  const config = m.pae ? 'HIGHMEM64G (PAE)' : m.highmem ? 'HIGHMEM4G' : 'NOHIGHMEM';
  return vscode.l10n.t('{0} MB RAM · {1}', Math.round(ram / 2 ** 20), config);
}

/** The validated machine, or undefined after telling the user which field is wrong. */
async function loadMachine(choice: Choice): Promise<Machine | undefined> {
  if (choice.kind === 'preset') {
    try {
      return presetMachine(choice.name);
    } catch (e) {
      return refuse(choice.name, e);
    }
  }
  const name = choice.uri.path.split('/').pop() ?? choice.uri.toString();
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(choice.uri)));
  } catch (e) {
    const msg = (e as Error).message;
    void vscode.window.showErrorMessage(
      e instanceof SyntaxError ? vscode.l10n.t('{0} is not valid JSON: {1}', name, msg) : vscode.l10n.t('Cannot read {0}: {1}', name, msg),
    );
    return undefined;
  }
  // A scenario file ({"machine", "ops"}) boots its machine, as the CLI does.
  const o = raw as Record<string, unknown> | null;
  const isScenario = typeof o === 'object' && o !== null && !Array.isArray(o) && 'machine' in o && !('e820' in o);
  try {
    const m = parseMachine(isScenario ? o.machine : raw);
    return m.name === 'custom' ? { ...m, name } : m;
  } catch (e) {
    return refuse(name, e);
  }
}

function refuse(name: string, e: unknown): undefined {
  if (e instanceof MachineError) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot boot {0}: field {1}: {2}', name, e.field, e.reason));
    return undefined;
  }
  throw e;
}

function boot(machine: Machine): BootReport | undefined {
  let engine: Engine;
  try {
    engine = Engine.boot(machine);
  } catch (e) {
    if (e instanceof KernelBug) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Linux 2.4.0 cannot boot {0}: {1}', machine.name, e.message));
      return undefined;
    }
    throw e;
  }
  publishEngine(engine, 'boot');
  const free: string[] = [];
  runKernel(show_free_areas_core, engine.k, free);
  // buddyinfo's first line is its own English caption; the channel gives a translated one.
  const info = buddyinfo(engine.k).filter((line) => !line.startsWith('#'));
  return { machine: machine.name, log: [...engine.k.log], show_free_areas: free, buddyinfo: info };
}

/** One boot per channel view: the last machine's log, as dmesg after a boot. */
function show(channel: vscode.OutputChannel, r: BootReport): void {
  channel.clear();
  channel.appendLine(vscode.l10n.t('── {0}: boot log (printk) ──', r.machine));
  for (const line of r.log) channel.appendLine(line);
  channel.appendLine('');
  channel.appendLine(vscode.l10n.t('── show_free_areas() (SysRq-M) ──'));
  for (const line of r.show_free_areas) channel.appendLine(line);
  channel.appendLine('');
  channel.appendLine(vscode.l10n.t('── /proc/buddyinfo (a Linux 2.6+ file, 2.4.0 has none; same counts) ──'));
  for (const line of r.buddyinfo) channel.appendLine(line);
  channel.show(true);
}
