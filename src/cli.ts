// mm24's headless runner: boot a machine and print its reports, run a scenario with design.md's
// JSON contract, check invariants, and time the shared bench workloads.

import { readFileSync } from 'node:fs';
import { Engine, type Op } from './engine/engine';
import { KernelBug, MachineError, RequestError } from './engine/errors';
import { checkInvariants } from './engine/inspect/check';
import { buddyinfo, state } from './engine/inspect/report';
import { PRESET_NAMES, parseMachine, presetMachine, type Machine } from './engine/machine';
import { show_free_areas_core } from './engine/mm/page_alloc/show';
import { runKernel } from './engine/engine';
import { runBenchWorkload } from './bench-workload';
import { linkText } from './source/linker';
import { checkClaims } from './source/claims';

const USAGE = `usage:
  mm24 boot --machine NAME|FILE [--report log|show_free_areas|buddyinfo|json]
  mm24 run SCENARIO.json [--json]
  mm24 check --machine NAME|FILE | SCENARIO.json
  mm24 bench --machine NAME --workload pairs|mixed --ops N --seed S
  mm24 link FILE [--json] [--summary] [--machine NAME|FILE]
  mm24 presets
presets: ${PRESET_NAMES.join(', ')}`;

class UsageError extends Error {}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return v;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MachineError(file, `not valid JSON: ${(e as Error).message}`);
  }
}

function loadMachine(spec: string): Machine {
  if (PRESET_NAMES.includes(spec)) return presetMachine(spec);
  if (!/\.json$/i.test(spec)) return presetMachine(spec); // names the presets in its error
  const raw = readJson(spec) as Record<string, unknown>;
  return parseMachine(raw && typeof raw === 'object' && 'machine' in raw && !('e820' in raw) ? raw.machine : raw);
}

interface Scenario {
  machine: Machine;
  ops: unknown[];
}

function loadScenario(file: string): Scenario {
  const raw = readJson(file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new MachineError(file, 'a scenario is an object {"machine", "ops"}');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['machine', 'ops', 'expect', 'name', 'description'].includes(key)) throw new MachineError(key, 'unknown key in the scenario; allowed: machine, ops');
  }
  if (!('machine' in o)) throw new MachineError('machine', 'missing: a preset name or a machine description');
  const ops = o.ops ?? [];
  if (!Array.isArray(ops)) throw new MachineError('ops', 'expected an array of ["alloc", gfp, order] / ["free", pfn, order]');
  return { machine: parseMachine(o.machine), ops };
}

function asOp(raw: unknown, i: number): Op {
  if (!Array.isArray(raw) || raw.length !== 3) throw new RequestError(`ops[${i}]: expected ["alloc", gfp_mask, order] or ["free", pfn, order]`);
  const [kind, a, b] = raw as unknown[];
  if (typeof b !== 'number') throw new RequestError(`ops[${i}]: order must be a number, got ${JSON.stringify(b)}`);
  if (kind === 'alloc') {
    if (typeof a !== 'number' && typeof a !== 'string') throw new RequestError(`ops[${i}]: gfp_mask must be a number or a name`);
    return ['alloc', a, b];
  }
  if (kind === 'free') {
    if (typeof a !== 'number') throw new RequestError(`ops[${i}]: pfn must be a number, got ${JSON.stringify(a)}`);
    return ['free', a, b];
  }
  throw new RequestError(`ops[${i}]: unknown op ${JSON.stringify(kind)}; ops are "alloc" and "free"`);
}

function showFreeAreas(e: Engine): string[] {
  const out: string[] = [];
  runKernel(show_free_areas_core, e.k, out);
  return out;
}

function cmdBoot(args: string[]): number {
  const spec = flag(args, '--machine');
  if (!spec) throw new UsageError('boot needs --machine NAME|FILE');
  const report = flag(args, '--report') ?? 'show_free_areas';
  if (!['log', 'show_free_areas', 'buddyinfo', 'json'].includes(report)) throw new UsageError(`unknown report "${report}"`);
  const e = Engine.boot(loadMachine(spec));
  if (report === 'json') {
    console.log(JSON.stringify(state(e.k)));
    return 0;
  }
  const lines = [...e.k.log];
  if (report === 'show_free_areas') lines.push('', ...showFreeAreas(e));
  if (report === 'buddyinfo') lines.push('', ...buddyinfo(e.k));
  console.log(lines.join('\n'));
  return 0;
}

function cmdRun(args: string[]): number {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new UsageError('run needs SCENARIO.json');
  const sc = loadScenario(file);
  const e = Engine.boot(sc.machine);
  const boot = state(e.k);
  const results: unknown[] = [];
  for (let i = 0; i < sc.ops.length; i++) {
    try {
      results.push(e.apply(asOp(sc.ops[i], i)));
    } catch (err) {
      if (err instanceof RequestError) results.push({ error: err.message });
      else throw err;
    }
  }
  const final = state(e.k);
  if (args.includes('--json')) {
    console.log(JSON.stringify({ boot, ops: results, final }));
  } else {
    console.log([...e.k.log, '', ...showFreeAreas(e)].join('\n'));
    results.forEach((r, i) => console.log(`op ${i} ${JSON.stringify(sc.ops[i])} -> ${JSON.stringify(r)}`));
  }
  return 0;
}

function cmdCheck(args: string[]): number {
  const spec = flag(args, '--machine');
  const file = args.find((a) => !a.startsWith('--') && a !== spec);
  let e: Engine;
  if (spec) e = Engine.boot(loadMachine(spec));
  else if (file) {
    const sc = loadScenario(file);
    e = Engine.boot(sc.machine);
    sc.ops.forEach((raw, i) => {
      try {
        e.apply(asOp(raw, i));
      } catch (err) {
        if (!(err instanceof RequestError)) throw err;
      }
    });
  } else throw new UsageError('check needs --machine NAME|FILE or SCENARIO.json');
  const problems = checkInvariants(e.k);
  if (problems.length === 0) {
    console.log(`ok: every invariant holds (${e.k.npages} pages, ${e.k.zones.filter((z) => z.size).length} zones)`);
    return 0;
  }
  console.log(problems.slice(0, 50).join('\n'));
  console.log(`${problems.length} invariant violation(s)`);
  return 1;
}

function cmdLink(args: string[]): number {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new UsageError('link needs FILE');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const r = linkText(text, { markdown: /\.(md|markdown|txt)$/i.test(file) });
  const machineSpec = flag(args, '--machine') ?? 'pc-2g-highmem';
  const claims = checkClaims(text, r, Engine.boot(loadMachine(machineSpec)).k);
  const lines = text.split(/\r?\n/);
  const linked = r.codeLines.filter((l) => r.links.has(l)).length;
  const inFn = r.codeLines.filter((l) => r.inFunction.has(l));
  const inFnLinked = inFn.filter((l) => r.links.has(l)).length;
  const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(1) : '100.0');
  if (args.includes('--json')) {
    console.log(JSON.stringify({
      file, codeLines: r.codeLines.length, linked, inModelledFunctions: inFn.length, inModelledFunctionsLinked: inFnLinked,
      lines: r.codeLines.map((l) => ({ line: l + 1, code: lines[l].trim(), link: r.links.get(l) ?? null, why: r.unlinked.get(l) })),
      claims: claims.map((c) => ({ ...c, line: c.line + 1 })),
    }));
    return 0;
  }
  if (!args.includes('--summary')) {
    for (const l of r.codeLines) {
      const k = r.links.get(l);
      const what = k ? `${k.kind.padEnd(11)} ${k.fn}${k.text ? ': ' + k.text + (k.occurrence && k.occurrence > 1 ? ` #${k.occurrence}` : '') : k.name ? ': ' + k.name : ''}` : `—           ${r.unlinked.get(l)}`;
      console.log(`${String(l + 1).padStart(5)}  ${what}`);
    }
  }
  if (!args.includes('--summary')) {
    for (const c of claims) console.log(`${String(c.line + 1).padStart(5)}  ${c.holds === true ? '✓' : c.holds === false ? '✗' : '?'} ${c.text}  — ${c.engine}${c.machines ? ` (${c.machines})` : ''}`);
  }
  const tally = (h: boolean | null): number => claims.filter((c) => c.holds === h).length;
  console.log(`${file}: linked ${linked}/${r.codeLines.length} code lines (${pct(linked, r.codeLines.length)} %)` +
    (inFn.length ? `; inside modelled functions ${inFnLinked}/${inFn.length} (${pct(inFnLinked, inFn.length)} %)` : '') +
    (claims.length ? `; ${claims.length} claims checked on ${machineSpec}: ${tally(true)} ✓, ${tally(false)} ✗, ${tally(null)} not modelled` : ''));
  return 0;
}

function cmdBench(args: string[]): number {
  const name = flag(args, '--machine') ?? 'pc-512m';
  const workload = flag(args, '--workload') ?? 'pairs';
  if (workload !== 'pairs' && workload !== 'mixed') throw new UsageError(`unknown workload "${workload}"`);
  const ops = Number(flag(args, '--ops') ?? '1000000');
  const seed = Number(flag(args, '--seed') ?? '1');
  if (!Number.isInteger(ops) || ops < 0) throw new UsageError('--ops takes a whole number');
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed takes a whole number');
  const e = Engine.boot(loadMachine(name));
  console.log(JSON.stringify(runBenchWorkload(e, workload, ops, seed)));
  return 0;
}

export function main(argv: string[]): number {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'boot': return cmdBoot(args);
      case 'run': return cmdRun(args);
      case 'check': return cmdCheck(args);
      case 'bench': return cmdBench(args);
      case 'link': return cmdLink(args);
      case 'presets': console.log(PRESET_NAMES.join('\n')); return 0;
      case undefined: case '--help': case '-h': case 'help': console.log(USAGE); return cmd ? 0 : 2;
      default: throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) console.error(`mm24: ${e.message}\n${USAGE}`);
    else if (e instanceof MachineError) console.error(`mm24: bad machine description: ${e.message}`);
    else if (e instanceof KernelBug) { console.error(`mm24: ${e.message}`); return 1; }
    else if (e instanceof RequestError) console.error(`mm24: ${e.message}`);
    else throw e;
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
