// The DAP session: translates Debug Adapter Protocol requests into runtime calls and runtime
// stops into responses and events (response first, then the stopped event). Sources are the
// annotated documents the user works in (linked by src/source/linker) and, for statements no
// open document links, the engine's own listings.

import {
  Breakpoint, Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent,
  TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readFileSync, existsSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { PROBE_TABLE } from '../engine/exec/probe-table.gen';
import type { FrameInfo, Stop } from '../engine/exec/stepper';
import { ExprError, evaluate } from '../engine/inspect/expr';
import { localVals } from '../engine/inspect/locals';
import { globals, pgdatVal, show, type KVal } from '../engine/inspect/values';
import { PRESET_NAMES, parseMachine, presetMachine, type Machine } from '../engine/machine';
import { MachineError, RequestError } from '../engine/errors';
import { linkText, type LinkedText } from '../source/linker';
import { readMemory } from '../engine/inspect/memory';
import { publishKernel } from '../views/model';
import { Mm24Runtime, parseRequest, probeKey, splitProbe, type Request } from './runtime';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  /** A preset name or a machine JSON file. */
  machine?: string;
  /** "boot", a list of requests after boot, or a scenario file. */
  run?: string | string[];
  stopOnEntry?: boolean;
  /** The annotated document to show stops in, when it links the statement. */
  source?: string;
  cwd?: string;
}

const THREAD = 1;
const PAGE = 100;

type VarNode = { kind: 'vals'; vals: () => [string, KVal][]; fn?: string } | { kind: 'val'; val: KVal; expr: string; fn?: string };

export class Mm24DebugSession extends LoggingDebugSession {
  private runtime: Mm24Runtime | null = null;
  private readonly vars = new Handles<VarNode>();
  private readonly docs = new Map<string, LinkedText>();
  private readonly preferred: string[] = [];
  private launchArgs: LaunchArgs = {};
  private configured: () => void = () => undefined;
  private readonly configDone = new Promise<void>((resolve) => (this.configured = resolve));
  private readonly bpArgs = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private fnBpArgs: DebugProtocol.SetFunctionBreakpointsArguments | null = null;

  constructor(private readonly listingsRoot: string) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      // Breakpoints arrive after `initialized`, before the program runs.
      supportsConfigurationDoneRequest: true,
      // `expand`, `__free_pages_ok`: stop at the function's first statement.
      supportsFunctionBreakpoints: true,
      // `order > 2`, `i == 5`, evaluated by the engine's C evaluator.
      supportsConditionalBreakpoints: true,
      // "5", ">= 5", "% 3".
      supportsHitConditionalBreakpoints: true,
      // `{zone->free_pages}` in a message, no stop.
      supportsLogPoints: true,
      // The engine is deterministic: step back and reverse continue replay it.
      supportsStepBack: true,
      // Hover over C expressions in the annotated source.
      supportsEvaluateForHovers: true,
      // Restart the same machine and requests from the top.
      supportsRestartRequest: true,
      // Large arrays (mem_map) page through indexedVariables.
      supportsValueFormattingOptions: false,
      // Bitmaps and mem_map as bytes in the hex view.
      supportsReadMemoryRequest: true,
      // Break on Value Change: zone->free_pages, a bitmap word, mem_map[N].count, max_low_pfn.
      supportsDataBreakpoints: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured();
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): void {
    this.launchArgs = args;
    const cwd = args.cwd ?? process.cwd();
    let machine: Machine;
    let requests: Request[];
    try {
      machine = loadMachine(args.machine ?? 'pc-64m', cwd);
      requests = loadRequests(args.run, cwd);
      const scenario = typeof args.run === 'string' && args.run.endsWith('.json') ? readJson(resolve(cwd, args.run)) as { machine?: unknown } : null;
      if (scenario?.machine && !args.machine) machine = parseMachine(scenario.machine);
    } catch (e) {
      this.sendErrorResponse(response, 3001, (e as Error).message);
      return;
    }
    if (args.source) this.preferSource(resolve(cwd, args.source));
    this.runtime = new Mm24Runtime(machine, requests, {
      output: (text, category = 'console') => this.sendEvent(new OutputEvent(text, category)),
    });
    publishKernel(this.runtime.kernel, 'boot');
    for (const [path, a] of this.bpArgs) this.armSource(path, a);
    if (this.fnBpArgs) this.armFunctions(this.fnBpArgs);
    this.sendEvent(new OutputEvent(`mm24: booting ${machine.name} (${machine.pae ? 'HIGHMEM64G/PAE' : machine.highmem ? 'HIGHMEM4G' : 'NOHIGHMEM'}${machine.pse ? ', PSE' : ''})${requests.length ? `, then ${requests.length} request(s)` : ''}\n`));
    this.sendResponse(response);
    // Run only once the client has sent its breakpoints (configurationDone).
    void this.configDone.then(() => {
      if (!this.runtime) return;
      if (args.stopOnEntry ?? true) this.report(this.runtime.stepIn(), 'entry');
      else this.report(this.runtime.continue());
    });
  }

  private preferSource(path: string): void {
    const i = this.preferred.indexOf(path);
    if (i >= 0) this.preferred.splice(i, 1);
    this.preferred.unshift(path);
  }

  private linked(path: string): LinkedText | null {
    let d = this.docs.get(path);
    if (!d) {
      if (!existsSync(path)) return null;
      d = linkText(readFileSync(path, 'utf8'), { markdown: /\.(md|markdown|txt)$/i.test(path) });
      this.docs.set(path, d);
    }
    return d;
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path ?? '';
    this.bpArgs.set(path, args);
    response.body = { breakpoints: this.armSource(path, args) };
    this.sendResponse(response);
  }

  /** Links the source anew and arms its breakpoints (when the runtime exists yet). */
  private armSource(path: string, args: DebugProtocol.SetBreakpointsArguments): DebugProtocol.Breakpoint[] {
    this.docs.delete(path);
    const doc = this.linked(path);
    const keys: { fn: string; probe: string; condition?: string; hitCondition?: string; logMessage?: string; i: number }[] = [];
    const result: DebugProtocol.Breakpoint[] = (args.breakpoints ?? []).map((b, i) => {
      const line = this.convertClientLineToDebugger(b.line) - 1;
      if (!doc) return this.unverified(b.line, `mm24 cannot read ${path}`);
      const link = doc.links.get(line);
      if (!link) return this.unverified(b.line, doc.unlinked.get(line) ?? 'not a code line: no statement of the engine is here');
      const probe = link.kind === 'function' ? PROBE_TABLE[link.fn]?.probes[0] : { text: link.text!, occurrence: link.occurrence! };
      if (!probe) return this.unverified(b.line, `${link.fn} has no statements`);
      keys.push({ fn: link.fn, probe: probeKey('', probe.text, probe.occurrence).slice(1), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage, i });
      const bp = new Breakpoint(true, b.line) as DebugProtocol.Breakpoint;
      bp.message = link.kind === 'partial' ? `part of "${link.text}" in ${link.fn}` : link.kind === 'function' ? `${link.fn}: its first statement` : `${link.fn}: ${link.text}`;
      return bp;
    });
    if (this.runtime) {
      const made = this.runtime.setLineBreakpoints(path, keys);
      made.forEach((bp, n) => (result[keys[n].i].id = bp.id));
    }
    if (keys.length) this.preferSource(path);
    return result;
  }

  private unverified(line: number, message: string): DebugProtocol.Breakpoint {
    const bp = new Breakpoint(false, line) as DebugProtocol.Breakpoint;
    bp.message = message;
    return bp;
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.fnBpArgs = args;
    response.body = { breakpoints: this.armFunctions(args) };
    this.sendResponse(response);
  }

  private armFunctions(args: DebugProtocol.SetFunctionBreakpointsArguments): DebugProtocol.Breakpoint[] {
    const made = this.runtime ? this.runtime.setFunctionBreakpoints(args.breakpoints) : null;
    return args.breakpoints.map((b, i) => {
      if (!PROBE_TABLE[b.name]) return { verified: false, message: `${b.name} is not a function the engine models` };
      return { id: made?.[i]?.id, verified: true };
    });
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const rt = this.runtime;
    const addr = Number(args.memoryReference) + (args.offset ?? 0);
    if (!rt || !Number.isFinite(addr)) {
      this.sendErrorResponse(response, 3004, `mm24: cannot read memory at ${args.memoryReference}`);
      return;
    }
    const bytes = readMemory(rt.kernel, addr, Math.min(args.count, 1 << 16));
    const first = bytes.indexOf(null);
    const readable = first < 0 ? bytes.length : first;
    response.body = {
      address: `0x${addr.toString(16)}`,
      data: Buffer.from(bytes.slice(0, readable) as number[]).toString('base64'),
      unreadableBytes: args.count - readable,
    };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const node = args.variablesReference ? this.vars.get(args.variablesReference) : undefined;
    const fn = node?.fn;
    const parent = node?.kind === 'val' ? node.expr : '';
    const expr = node?.kind === 'val' ? (parent ? (args.name.startsWith('[') ? `${parent}${args.name}` : args.name === '*' ? `(*${parent})` : `${parent}.${args.name}`) : '') : args.name;
    if (!expr || !this.runtime) {
      response.body = { dataId: null, description: 'mm24: this value has no expression to watch' };
    } else {
      response.body = { dataId: JSON.stringify({ expr, fn: node?.kind === 'vals' ? fn : node?.fn }), description: expr, accessTypes: ['write'], canPersist: true };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const list = args.breakpoints.map((b) => JSON.parse(b.dataId) as { expr: string; fn?: string });
    const made = this.runtime ? this.runtime.setDataBreakpoints(list) : list.map(() => null);
    response.body = { breakpoints: made.map((m, i) => (m ? { id: m.id, verified: true, message: list[i].expr } : { verified: false, message: `cannot watch ${list[i].expr}` })) };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'kernel (boot CPU)')] };
    this.sendResponse(response);
  }

  /** The document and 0-based line a frame's probe shows at. */
  sourceOf(f: FrameInfo): { path: string; line: number } | null {
    if (!f.probe) return null;
    for (const path of this.preferred) {
      const d = this.linked(path);
      if (!d) continue;
      for (const [line, l] of d.links) {
        if (l.fn === f.fn && l.text === f.probe.text && l.occurrence === f.probe.occurrence && l.kind === 'probe') return { path, line };
      }
    }
    const t = PROBE_TABLE[f.fn];
    const p = t?.probes.find((x) => x.text === f.probe!.text && x.occurrence === f.probe!.occurrence);
    return p ? { path: join(this.listingsRoot, p.file), line: p.line } : null;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const frames = this.runtime?.frames() ?? [];
    const start = args.startFrame ?? 0;
    const count = args.levels || frames.length;
    response.body = {
      stackFrames: frames.slice(start, start + count).map((f, i) => {
        const at = this.sourceOf(f);
        const sf = new StackFrame(start + i, f.fn, at ? new Source(basename(at.path), at.path) : undefined, at ? this.convertDebuggerLineToClient(at.line + 1) : 0);
        return sf;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const rt = this.runtime!;
    const f = rt.frames()[args.frameId];
    const k = rt.kernel;
    const scopes: DebugProtocol.Scope[] = [];
    if (f) scopes.push(new Scope(`Locals of ${f.fn}`, this.vars.create({ kind: 'vals', vals: () => localVals(k, f.fn, f.locals()), fn: f.fn }), false));
    scopes.push(new Scope('Globals', this.vars.create({ kind: 'vals', vals: () => {
      const g = globals(rt.kernel).filter(([n]) => n !== 'contig_page_data');
      const s = rt.kernel.setup;
      // setup_arch's locals: shown with their last values once it has returned.
      const inSetup = rt.frames().some((x) => x.fn === 'setup_arch');
      if (!inSetup && s.max_pfn) g.push(['setup_arch: max_pfn (last value)', { t: 'int', v: s.max_pfn, ctype: 'unsigned long' }], ['setup_arch: start_pfn (last value)', { t: 'int', v: s.start_pfn, ctype: 'unsigned long' }]);
      return g;
    } }), false));
    scopes.push(new Scope('contig_page_data', this.vars.create({ kind: 'val', val: pgdatVal(k), expr: 'contig_page_data' }), true));
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const node = this.vars.get(args.variablesReference);
    let out: DebugProtocol.Variable[] = [];
    if (node?.kind === 'vals') out = node.vals().map(([n, v]) => this.variable(n, v, /^\w+$/.test(n) ? n : undefined, node.fn));
    else if (node?.kind === 'val') out = this.children(node.val, node.expr, node.fn, args.start, args.count);
    response.body = { variables: out };
    this.sendResponse(response);
  }

  private children(v: KVal, expr: string | undefined, fn: string | undefined, start = 0, count?: number): DebugProtocol.Variable[] {
    const sub = (suffix: string): string | undefined => (expr ? `${expr}${suffix}` : undefined);
    if (v.t === 'struct') return v.fields().map(([n, f]) => this.variable(n, f, sub(`.${n}`), fn));
    if (v.t === 'array') {
      const end = Math.min(v.length, count ? start + count : v.length > PAGE ? start + PAGE : v.length);
      const out: DebugProtocol.Variable[] = [];
      for (let i = start; i < end; i++) out.push(this.variable(`[${i}]`, v.at(i), sub(`[${i}]`), fn));
      return out;
    }
    if (v.t === 'ptr' && v.addr && v.target) return [this.variable(`*`, v.target(), expr ? `(*${expr})` : undefined, fn)];
    return [];
  }

  private variable(name: string, v: KVal, expr?: string, fn?: string): DebugProtocol.Variable {
    const expandable = v.t === 'struct' || v.t === 'array' || (v.t === 'ptr' && v.addr !== 0 && !!v.target);
    const ref = expandable ? this.vars.create({ kind: 'val', val: v, expr: expr ?? '', fn }) : 0;
    const variable: DebugProtocol.Variable = { name, value: show(v), type: v.t === 'str' ? 'char *' : v.ctype, variablesReference: ref };
    if (expr) variable.evaluateName = expr;
    if (v.t === 'array' && v.length > PAGE) variable.indexedVariables = v.length;
    const at = v.t === 'ptr' ? v.addr : 'addr' in v ? v.addr : 0;
    if (at) variable.memoryReference = `0x${at.toString(16)}`;
    return variable;
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.runtime;
    if (!rt) {
      this.sendErrorResponse(response, 3002, 'mm24: no machine is running');
      return;
    }
    const f = args.frameId !== undefined ? rt.frames()[args.frameId] : rt.frames()[0];
    try {
      const v = evaluate(args.expression, { k: rt.kernel, fn: f?.fn, locals: f?.locals() });
      const variable = this.variable(args.expression, v);
      response.body = { result: variable.value, type: variable.type, variablesReference: variable.variablesReference, indexedVariables: variable.indexedVariables, memoryReference: variable.memoryReference };
      this.sendResponse(response);
    } catch (e) {
      if (e instanceof ExprError || e instanceof RequestError) this.sendErrorResponse(response, 3003, e.message, undefined, undefined);
      else throw e;
    }
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void { this.sendResponse(response); this.report(this.runtime!.stepOver()); }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void { this.sendResponse(response); this.report(this.runtime!.stepIn()); }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void { this.sendResponse(response); this.report(this.runtime!.stepOut()); }
  protected override continueRequest(response: DebugProtocol.ContinueResponse): void { this.sendResponse(response); this.report(this.runtime!.continue()); }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void { this.sendResponse(response); this.report(this.runtime!.stepBack()); }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void { this.sendResponse(response); this.report(this.runtime!.reverseContinue()); }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // Every request runs to its stop synchronously: there is never a running state to pause.
    this.sendResponse(response);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.runtime!.restart();
    this.sendResponse(response);
    if (this.launchArgs.stopOnEntry ?? true) this.report(this.runtime!.stepIn(), 'entry');
    else this.report(this.runtime!.continue());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.runtime = null;
    this.sendResponse(response);
  }

  private report(stop: Stop, as?: 'entry'): void {
    this.vars.reset();
    // The views re-render from one published snapshot per stop.
    if (this.runtime) publishKernel(this.runtime.kernel, stop.reason === 'end' ? 'end' : 'stop', stop.stack);
    if (stop.reason === 'end') {
      const rt = this.runtime!;
      const res = rt.results.map((r, i) => `${rt.requests[i]?.text ?? '?'} = ${r === null ? 'NULL' : r}`).join('\n');
      this.sendEvent(new OutputEvent(`mm24: done.${res ? '\n' + res : ''}\n`));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    if (stop.reason === 'exception') {
      this.sendEvent(new OutputEvent(`mm24: ${stop.error?.message}\n`, 'stderr'));
      const ev = new StoppedEvent('exception', THREAD, stop.error?.message) as DebugProtocol.StoppedEvent;
      this.sendEvent(ev);
      return;
    }
    const change = this.runtime?.lastDataChange;
    if (change) {
      this.sendEvent(new OutputEvent(`mm24: ${change}\n`));
      const ev = new StoppedEvent('data breakpoint', THREAD) as DebugProtocol.StoppedEvent;
      ev.body.description = change;
      this.sendEvent(ev);
      return;
    }
    const reason = as ?? (stop.reason === 'breakpoint' ? 'breakpoint' : 'step');
    this.sendEvent(new StoppedEvent(reason, THREAD));
  }
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function loadMachine(spec: string, cwd: string): Machine {
  if (PRESET_NAMES.includes(spec)) return presetMachine(spec);
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (!existsSync(path)) throw new MachineError('machine', `"${spec}" is neither a preset (${PRESET_NAMES.join(', ')}) nor a file`);
  const raw = readJson(path) as Record<string, unknown>;
  return parseMachine(raw && 'machine' in raw && !('e820' in raw) ? raw.machine : raw);
}

function loadRequests(run: string | string[] | undefined, cwd: string): Request[] {
  if (run === undefined || run === 'boot') return [];
  if (Array.isArray(run)) return run.map(parseRequest);
  if (run.endsWith('.json')) {
    const sc = readJson(resolve(cwd, run)) as { ops?: unknown[] };
    return (sc.ops ?? []).map((op, i) => {
      if (!Array.isArray(op) || op.length !== 3) throw new RequestError(`ops[${i}] is not ["alloc", gfp, order] / ["free", pfn, order]`);
      return op[0] === 'alloc'
        ? { kind: 'alloc', gfp: op[1] as number | string, order: op[2] as number, text: `alloc_pages(${op[1]}, ${op[2]})` }
        : { kind: 'free', pfn: op[1] as number, order: op[2] as number, text: `__free_pages(${op[1]}, ${op[2]})` };
    });
  }
  return [parseRequest(run)];
}

export { splitProbe };
