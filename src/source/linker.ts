// Links the code lines of any 2.4 source text — the walkthrough's Markdown code blocks, the
// engine's listings, a linux-2.4 tree's C files — to the engine: a line links to a probe when
// its statement (comments and white space dropped) equals a probe's statement in the function
// the line sits in; a bare function name (a call-tree line of the notes) or a C header links
// to the function; a line that is a safe part of exactly one statement links to it as
// partial; declarations and structure fields link to what they declare. A line that could be
// two statements links to neither, and every unlinked code line says why.

import { PROBE_TABLE } from '../engine/exec/probe-table.gen';

export type LinkKind = 'probe' | 'partial' | 'function' | 'declaration' | 'structure';

export interface Link {
  readonly kind: LinkKind;
  /** The kernel function (for structure links: the structure or global). */
  readonly fn: string;
  /** For probe and partial links. */
  readonly text?: string;
  readonly occurrence?: number;
  /** For declaration and structure links: the name declared or referred to. */
  readonly name?: string;
}

export interface LinkedText {
  /** 0-based line -> link. */
  readonly links: Map<number, Link>;
  /** 0-based code line that links to nothing -> why. */
  readonly unlinked: Map<number, string>;
  /** Every code line (0-based), linked or not, in order. */
  readonly codeLines: number[];
  /** Code lines inside a modelled function's body (C files: between its header and closing brace). */
  readonly inFunction: Set<number>;
}

/** The statement with every run of white space removed. */
export function normalize(code: string): string {
  return code.replace(/\s+/g, '');
}

const FUNCTIONS = new Set(Object.keys(PROBE_TABLE));
/** Macros the notes name in call trees: single statements inside these functions. */
const MACROS: Record<string, string> = { MARK_USED: 'rmqueue', memlist_add_head: '__free_pages_ok', memlist_del: '__free_pages_ok', LONG_ALIGN: 'free_area_init_core' };
/** Structures and globals a declaration or a field line can name. */
const STRUCTURES = new Set([
  'zonelist_t', 'zonelist_struct', 'zone_t', 'zone_struct', 'free_area_t', 'free_area_struct', 'pg_data_t', 'pglist_data',
  'bootmem_data_t', 'bootmem_data', 'page', 'mem_map_t', 'e820map', 'e820entry',
]);
const GLOBALS = new Set([
  'contig_page_data', 'mem_map', 'max_low_pfn', 'min_low_pfn', 'highstart_pfn', 'highend_pfn', 'max_mapnr', 'num_physpages',
  'totalram_pages', 'totalhigh_pages', 'high_memory', 'pgdat_list', 'e820', 'freepages', 'zone_balance_ratio',
  'zone_balance_min', 'zone_balance_max', 'zone_names', 'memory_pressure',
]);

interface NormProbe {
  fn: string;
  text: string;
  occurrence: number;
  norm: string;
}

let index: Map<string, NormProbe[]> | null = null;
const perFn = new Map<string, NormProbe[]>();

function probesByText(): Map<string, NormProbe[]> {
  if (index) return index;
  index = new Map();
  for (const [fn, t] of Object.entries(PROBE_TABLE)) {
    for (const p of t.probes) {
      const norm = normalize(p.text);
      const list = index.get(norm) ?? [];
      list.push({ fn, text: p.text, occurrence: p.occurrence, norm });
      index.set(norm, list);
    }
  }
  return index;
}

function probesOf(fn: string): NormProbe[] {
  let l = perFn.get(fn);
  if (!l) {
    const t = PROBE_TABLE[fn];
    l = t ? t.probes.map((p) => ({ fn, text: p.text, occurrence: p.occurrence, norm: normalize(p.text) })) : [];
    perFn.set(fn, l);
  }
  return l;
}

/** Removes comments from one line, carrying `/* … *\/` state across lines. */
export function stripComments(line: string, state: { inBlock: boolean }): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (state.inBlock) {
      const end = line.indexOf('*/', i);
      if (end < 0) return out;
      state.inBlock = false;
      i = end + 2;
      continue;
    }
    const c = line[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      out += line.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (line.startsWith('//', i)) return out;
    if (line.startsWith('/*', i)) {
      state.inBlock = true;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Columns of indentation, tabs of 8 as the kernel's. */
export function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else if (ch === ' ') col++;
    else break;
  }
  return col;
}

function parenDepth(s: string): number {
  let d = 0;
  for (const ch of s) {
    if (ch === '(') d++;
    else if (ch === ')') d--;
  }
  return d;
}

const C_HEADER = /^(?:[A-Za-z_][\w\s*]*?[\s*])?(\w+)\s*\(([^;]*)$/;
const CONTROL = /^(if|for|while|switch|return|sizeof|do|else)$/;
const DECL = /^(?:(?:static|const|unsigned|signed|register|volatile|struct|extern)\s+)*(?:long\s+long|long|int|char|short|void|[a-z_]\w*_t|struct\s+\w+|u\d+)\s*[\s*]+\s*\w+(?:\s*\[[^\]]*\])?(?:\s*,\s*\**\s*\w+(?:\s*\[[^\]]*\])?)*\s*;$/;

/** Which lines of `text` are C code: all of a C file, or the lines inside a Markdown fence. */
function codeRegions(lines: string[], markdown: boolean): boolean[] {
  if (!markdown) return lines.map(() => true);
  const out: boolean[] = [];
  let inFence = false;
  for (const l of lines) {
    if (/^\s*```/.test(l)) {
      inFence = !inFence;
      out.push(false);
      continue;
    }
    out.push(inFence);
  }
  return out;
}

/** Prose inside a code block: CJK text, a table of ranges, an arrow note. */
export function isProse(code: string): boolean {
  const t = code.trim();
  if (/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(t)) return true;
  if (/^(0x[0-9a-f]+\s*-\s*0x[0-9a-f]+\s+\w+\s*[;；]\s*)+$/i.test(t)) return true;
  if (/\s->\s/.test(t) || /^else\s+[A-Z_]+\s*;$/.test(t)) return true;
  if (/[;{}()=]/.test(t)) return false;
  return /^\w+(\s+\w+){2,}[.。]?$/.test(t) && !/^(unsigned|struct|static|int|long)\b/.test(t);
}

export function linkText(text: string, opts: { markdown?: boolean } = {}): LinkedText {
  const lines = text.split(/\r?\n/);
  const regions = codeRegions(lines, opts.markdown ?? false);
  const links = new Map<number, Link>();
  const unlinked = new Map<number, string>();
  const codeLines: number[] = [];
  const inFunction = new Set<number>();
  const stack: { fn: string; indent: number }[] = [];
  const seen = new Map<string, number>();
  const comment = { inBlock: false };
  const ifdefs: { cond: string; off: boolean | null }[] = [];
  let struct: string | null = null; // inside `typedef struct … {`
  let cBody: string | null = null; // the C function whose body we are in
  const lastIf = new Map<number, Link>(); // indent -> the last linked `if` there
  const code = (i: number): string => stripComments(lines[i], comment).replace(/\s+$/, '');
  let i = 0;
  while (i < lines.length) {
    if (!regions[i]) {
      comment.inBlock = false;
      if (opts.markdown) stack.length = 0;
      i++;
      continue;
    }
    const raw = lines[i];
    const c = code(i);
    const trimmed = c.trim();
    if (/^#\s*(ifdef|ifndef|if)\b/.test(trimmed)) {
      ifdefs.push({ cond: trimmed, off: configuredOff(trimmed) });
      i++;
      continue;
    }
    if (/^#\s*else\b/.test(trimmed) && ifdefs.length) {
      const top = ifdefs[ifdefs.length - 1];
      if (top.off !== null) top.off = !top.off;
      i++;
      continue;
    }
    if (/^#\s*endif\b/.test(trimmed)) {
      ifdefs.pop();
      i++;
      continue;
    }
    if (!opts.markdown && /^}/.test(trimmed) && indentOf(raw) === 0) {
      cBody = null;
      struct = null;
      stack.length = 0;
      i++;
      continue;
    }
    if (!trimmed || /^[{}\s;]*$/.test(trimmed) || /^#/.test(trimmed) || isProse(trimmed)) {
      i++;
      continue;
    }
    const indent = indentOf(raw);
    if (opts.markdown) while (stack.length && stack[stack.length - 1].indent >= indent && stack[stack.length - 1].indent >= 0) stack.pop();
    codeLines.push(i);
    if (cBody) inFunction.add(i);
    const context = stack.map((s) => s.fn).reverse();
    const setLink = (l: number, link: Link | { reason: string }): void => {
      if ('reason' in link) unlinked.set(l, link.reason);
      else links.set(l, link);
    };
    const off = ifdefs.find((d) => d.off);
    if (off) {
      setLink(i, { reason: `inside ${off.cond}, which the engine's configuration leaves out (UP, no APICs, no initrd)` });
      i++;
      continue;
    }

    // A bare function (or macro) name: a call-tree line.
    const bare = trimmed.replace(/\(\)$/, '');
    // A call with its arguments written as a call-tree line: `init_bootmem_core(&contig_page_data, start, 0, pages)`.
    const callLine = /^(\w+)\s*\(.*\)$/.exec(trimmed);
    if (opts.markdown && callLine && FUNCTIONS.has(callLine[1]) && context.length) {
      setLink(i, matchStatement(trimmed, context, seen, true));
      stack.push({ fn: callLine[1], indent });
      i++;
      continue;
    }
    if (/^\w+$/.test(bare) && (FUNCTIONS.has(bare) || bare in MACROS)) {
      if (FUNCTIONS.has(bare)) {
        links.set(i, { kind: 'function', fn: bare });
        stack.push({ fn: bare, indent });
      } else {
        const fn = MACROS[bare];
        const p = probesOf(fn).find((x) => x.text.startsWith(bare));
        setLink(i, p ? { kind: 'partial', fn, text: p.text, occurrence: p.occurrence } : { kind: 'structure', fn: bare, name: bare });
      }
      i++;
      continue;
    }
    // A macro definition in note form: `MARK_USED change_bit(...)`.
    const macroDef = /^(\w+)\s+\w+\(/.exec(trimmed);
    if (macroDef && macroDef[1] in MACROS) {
      links.set(i, { kind: 'structure', fn: macroDef[1], name: macroDef[1] });
      i++;
      continue;
    }
    // `alloc_pages => __alloc_pages(...)`: the statement of that function.
    const arrow = /^(\w+)\s*=>\s*(.+)$/.exec(trimmed);
    if (arrow && FUNCTIONS.has(arrow[1])) {
      setLink(i, matchStatement(arrow[2], [arrow[1]], seen, true));
      i++;
      continue;
    }
    // A C function header: the function's entry, and the context for what follows.
    const header = C_HEADER.exec(trimmed);
    if (header && !CONTROL.test(header[1]) && indent === 0 && !trimmed.endsWith(';')) {
      let depth = parenDepth(trimmed);
      let j = i + 1;
      while (depth > 0 && j < lines.length) {
        codeLines.push(j);
        depth += parenDepth(code(j));
        if (FUNCTIONS.has(header[1])) links.set(j, { kind: 'function', fn: header[1] });
        j++;
      }
      stack.length = 0;
      if (FUNCTIONS.has(header[1])) {
        links.set(i, { kind: 'function', fn: header[1] });
        stack.push({ fn: header[1], indent: -1 });
        cBody = header[1];
      } else {
        unlinked.set(i, `${header[1]} is not a function the engine models`);
        cBody = null;
      }
      i = j;
      continue;
    }
    // Structures: `typedef struct x {`, its fields, `} name;`, and globals declared.
    const typedef = /^(?:typedef\s+)?struct\s+(\w+)\s*\{$/.exec(trimmed);
    if (typedef) {
      struct = typedef[1];
      links.set(i, { kind: 'structure', fn: struct, name: struct });
      i++;
      continue;
    }
    if (struct) {
      const close = /^}\s*(\w+)?\s*;$/.exec(trimmed);
      const field = /(\w+)\s*(\[[^\]]*\])?\s*;$/.exec(trimmed);
      links.set(i, { kind: 'structure', fn: close?.[1] ?? struct, name: close ? close[1] : field?.[1] });
      if (close) struct = null;
      i++;
      continue;
    }
    const global = /^(?:[\w\s*]+?[\s*])(\w+)\s*;$/.exec(trimmed);
    if (global && GLOBALS.has(global[1]) && !context.length) {
      links.set(i, { kind: 'structure', fn: global[1], name: global[1] });
      i++;
      continue;
    }
    // Control-flow words without a statement of their own.
    if (/^}?\s*else\s*\{?$/.test(trimmed)) {
      const li = lastIf.get(indent);
      setLink(i, li ? { ...li, kind: 'partial' } : { reason: 'an else with no linked if before it' });
      i++;
      continue;
    }
    if (/^do\s*\{?$/.test(trimmed)) {
      const fn = context[0];
      const cond = fn ? probesOf(fn).find((p) => /^while\s*\(.*\);$/.test(p.text)) : undefined;
      setLink(i, cond ? { kind: 'partial', fn: cond.fn, text: cond.text, occurrence: cond.occurrence } : { reason: 'a do-loop whose condition the engine does not step' });
      i++;
      continue;
    }
    const labelled = /^(?:case\s+[^:]+|default)\s*:\s*([^;]+;)/.exec(trimmed);
    if (labelled) {
      setLink(i, matchStatement(labelled[1], context, seen, false));
      i++;
      continue;
    }
    if (/^(case\s+[^:]+|default)\s*:$/.test(trimmed)) {
      const fn = context[0];
      const sw = fn ? probesOf(fn).find((p) => /^switch\s*\(/.test(p.text)) : undefined;
      setLink(i, sw ? { kind: 'partial', fn: sw.fn, text: sw.text, occurrence: sw.occurrence } : { reason: 'a case label of a switch the engine does not step' });
      i++;
      continue;
    }
    // A declaration without an initialiser: the local it declares.
    if ((DECL.test(trimmed) || /^(?:unsigned|signed)\s+\w+\s*;$/.test(trimmed)) && context.length) {
      const name = /(\w+)\s*(\[[^\]]*\])?\s*;$/.exec(trimmed)![1];
      links.set(i, { kind: 'declaration', fn: context[0], name });
      i++;
      continue;
    }
    // A bare reference to a variable or a field: `max_pfn;`, `pgdat->node_zones`.
    const ref = /^(\w+)(?:(?:->|\.)(\w+))*;?$/.exec(trimmed);
    if (ref && !/^(break|continue|return)$/.test(ref[1])) {
      links.set(i, { kind: 'structure', fn: context[0] ?? ref[1], name: trimmed.replace(/;$/, '') });
      i++;
      continue;
    }
    // A statement, possibly over several lines; an `if (…)` whose body is the next line.
    let stmt = trimmed;
    let last = i;
    while (parenDepth(stmt) > 0 && last + 1 < lines.length && regions[last + 1]) {
      last++;
      codeLines.push(last);
      if (cBody) inFunction.add(last);
      stmt += ' ' + code(last).trim();
    }
    let link = matchStatement(stmt, context, seen, false);
    const ifHead = /^(if|while|for)\s*\(.*\)$/.test(stmt.trim());
    if (ifHead && last + 1 < lines.length && regions[last + 1]) {
      const next = code(last + 1).trim();
      const joined = matchStatement(`${stmt} ${next}`, context, new Map(seen), false);
      if (!('reason' in joined) && joined.kind === 'probe' && /;$/.test(next)) {
        matchStatement(`${stmt} ${next}`, context, seen, false);
        link = joined;
        last++;
        codeLines.push(last);
        if (cBody) inFunction.add(last);
      }
    }
    for (let l = i; l <= last; l++) setLink(l, link);
    if (/^(}\s*else\s+)?if\s*\(/.test(trimmed) && !('reason' in link)) lastIf.set(indent, link);
    // In notes, lines indented under a statement that calls a modelled function are that
    // function's (a call tree written through statements).
    if (opts.markdown && !('reason' in link) && link.text) {
      const callee = calleeOf(link.text);
      if (callee) stack.push({ fn: callee, indent });
    }
    i = last + 1;
  }
  return { links, unlinked, codeLines, inFunction };
}

/** The modelled function a statement calls, if any: `bootmap_size = init_bootmem(…);` -> init_bootmem. */
function calleeOf(text: string): string | null {
  for (const m of text.matchAll(/(\w+)\s*\(/g)) if (FUNCTIONS.has(m[1])) return m[1];
  return null;
}

/** The functions a function's statements call, for matching a note's deeper lines. */
function callees(fn: string): string[] {
  const out: string[] = [];
  for (const p of probesOf(fn)) {
    const c = calleeOf(p.text);
    if (c && c !== fn && !out.includes(c)) out.push(c);
  }
  return out;
}

/** null: not a configuration the engine models either way; true: an arm the engine leaves out. */
function configuredOff(cond: string): boolean | null {
  const m = /^#\s*(ifdef|ifndef|if)\s+(?:defined\s*\(?\s*)?(\w+)/.exec(cond);
  if (!m) return null;
  const off = ['CONFIG_SMP', 'CONFIG_X86_IO_APIC', 'CONFIG_X86_LOCAL_APIC', 'CONFIG_BLK_DEV_INITRD', 'CONFIG_VISWS', 'CONFIG_DISCONTIGMEM',
    'CONFIG_BLK_DEV_RAM', 'CONFIG_VT', 'CONFIG_X86_VISWS_APIC', 'SWAP_CACHE_INFO', 'CONFIG_MCA', 'CONFIG_X86_WP_WORKS_OK'];
  if (!off.includes(m[2])) return null;
  return m[1] !== 'ifndef';
}

function matchStatement(stmt: string, context: string[], seen: Map<string, number>, partialOk: boolean): Link | { reason: string } {
  // Braces that open or close a block around the statement are not part of it.
  const norm = normalize(stmt).replace(/^\}(?:else)?/, (m) => (m === '}else' ? 'else' : '')).replace(/^else(?=if\()/, '').replace(/\{$/, '');
  const all = probesByText().get(norm) ?? [];
  const pick = (cands: NormProbe[]): Link => {
    const key = `${cands[0].fn}\u0000${norm}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const c = cands.find((x) => x.occurrence === n) ?? cands[cands.length - 1];
    return { kind: 'probe', fn: c.fn, text: c.text, occurrence: c.occurrence };
  };
  for (const fn of context) {
    const inFn = all.filter((p) => p.fn === fn);
    if (inFn.length) return pick(inFn);
  }
  const fns = [...new Set(all.map((p) => p.fn))];
  if (fns.length === 1 && !context.length) return pick(all);
  if (fns.length > 0 && !context.length) return { reason: `the statement is in ${fns.join(', ')}; no enclosing function here says which` };
  // A safe part of one statement: a piece of exactly one probe of the enclosing function.
  const bare = norm.replace(/;$/, '');
  if (bare.length >= 6 || partialOk) {
    const wider = [...context, ...context.slice(0, 1).flatMap(callees)];
    const exact = all.filter((p) => wider.includes(p.fn));
    if (exact.length && new Set(exact.map((p) => p.fn)).size === 1) return pick(exact);
    for (const fn of wider) {
      const parts = probesOf(fn).filter((p) => p.norm.includes(bare) || (partialOk && bare.includes(p.norm.replace(/;$/, '').replace(/^return/, ''))));
      if (parts.length === 1) return { kind: 'partial', fn, text: parts[0].text, occurrence: parts[0].occurrence };
      if (parts.length > 1) return { reason: `part of ${parts.length} statements of ${fn}; it could be either` };
    }
  }
  if (fns.length) return { reason: `the statement belongs to ${fns.join(', ')}, not to ${context[0]} where it stands` };
  return { reason: context.length ? `no statement of ${context[0]} reads like this in the engine` : 'no modelled function has this statement' };
}
