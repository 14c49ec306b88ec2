// Links the code lines of any 2.4 source text — the walkthrough's Markdown code blocks, the
// engine's listings, a linux-2.4 tree's C files — to the engine's probes: a line links when
// its statement (comments and white space dropped) equals a probe's statement in the function
// the line sits in; a bare function name (a call-tree line of the notes) links to that
// function; a line that is a safe part of exactly one statement links to it as partial.

import { PROBE_TABLE } from '../engine/exec/probe-table.gen';

export type LinkKind = 'probe' | 'partial' | 'function';

export interface Link {
  readonly kind: LinkKind;
  readonly fn: string;
  /** For probe and partial links. */
  readonly text?: string;
  readonly occurrence?: number;
}

export interface LinkedText {
  /** 0-based line -> link. */
  readonly links: Map<number, Link>;
  /** 0-based code line that links to nothing -> why. */
  readonly unlinked: Map<number, string>;
  /** Every code line (0-based), linked or not. */
  readonly codeLines: number[];
}

/** The statement with comments gone and every run of white space removed. */
export function normalize(code: string): string {
  return code.replace(/\s+/g, '');
}

const FUNCTIONS = new Set(Object.keys(PROBE_TABLE));
/** Macros the notes name in call trees; they are single statements inside these functions. */
const MACROS: Record<string, string> = { MARK_USED: 'rmqueue', memlist_add_head: '__free_pages_ok', memlist_del: '__free_pages_ok' };

interface NormProbe {
  fn: string;
  text: string;
  occurrence: number;
  norm: string;
}

let index: Map<string, NormProbe[]> | null = null;
/** Probes by normalized text, and per function. */
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
  const t = PROBE_TABLE[fn];
  return t ? t.probes.map((p) => ({ fn, text: p.text, occurrence: p.occurrence, norm: normalize(p.text) })) : [];
}

/** Removes comments from one line, carrying `/* … *\/` state across lines. */
function stripComments(line: string, state: { inBlock: boolean }): string {
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
function indentOf(line: string): number {
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
const CONTROL = /^(if|for|while|switch|return|sizeof)$/;

/** Which lines of `text` are C code: all of a C file, or the lines inside a Markdown fence. */
function codeRegions(lines: string[], markdown: boolean): boolean[] {
  if (!markdown) return lines.map(() => true);
  const out: boolean[] = [];
  let inFence = false;
  for (const l of lines) {
    const fence = /^\s*```/.test(l);
    if (fence) {
      inFence = !inFence;
      out.push(false);
      continue;
    }
    out.push(inFence);
  }
  return out;
}

/** A line of prose inside a code block: no C punctuation, mostly words (or CJK). */
function isProse(code: string): boolean {
  if (/[;{}()=]/.test(code)) return false;
  if (/[\u4e00-\u9fff]/.test(code)) return true;
  return /\s\S+\s/.test(code.trim()) && !/^[\w.*&\->[\]]+$/.test(code.trim());
}

export function linkText(text: string, opts: { markdown?: boolean } = {}): LinkedText {
  const lines = text.split(/\r?\n/);
  const regions = codeRegions(lines, opts.markdown ?? false);
  const links = new Map<number, Link>();
  const unlinked = new Map<number, string>();
  const codeLines: number[] = [];
  const stack: { fn: string; indent: number }[] = [];
  const seen = new Map<string, number>(); // fn + norm -> links made so far
  const comment = { inBlock: false };
  let i = 0;
  while (i < lines.length) {
    if (!regions[i]) {
      comment.inBlock = false;
      if (opts.markdown) stack.length = 0;
      i++;
      continue;
    }
    const raw = lines[i];
    const code = stripComments(raw, comment).replace(/\s+$/, '');
    const trimmed = code.trim();
    if (!trimmed || /^[{}\s;]*$/.test(trimmed) || /^#/.test(trimmed) || isProse(trimmed)) {
      i++;
      continue;
    }
    const indent = indentOf(raw);
    while (stack.length && stack[stack.length - 1].indent >= indent && stack[stack.length - 1].indent >= 0) stack.pop();

    // A bare function (or macro) name: a call-tree line.
    const bare = trimmed.replace(/\(\)$/, '');
    if (/^\w+$/.test(bare) && (FUNCTIONS.has(bare) || bare in MACROS)) {
      codeLines.push(i);
      if (FUNCTIONS.has(bare)) {
        links.set(i, { kind: 'function', fn: bare });
        stack.push({ fn: bare, indent });
      } else {
        const fn = MACROS[bare];
        const p = probesOf(fn).find((x) => x.text.startsWith(bare));
        if (p) links.set(i, { kind: 'partial', fn, text: p.text, occurrence: p.occurrence });
        else unlinked.set(i, `${bare} is a macro the engine steps as part of ${fn}`);
      }
      i++;
      continue;
    }
    // A C function header: the function's entry, and the context for what follows.
    const header = C_HEADER.exec(trimmed);
    if (header && !CONTROL.test(header[1]) && indent === 0 && FUNCTIONS.has(header[1])) {
      codeLines.push(i);
      links.set(i, { kind: 'function', fn: header[1] });
      stack.length = 0;
      stack.push({ fn: header[1], indent: -1 });
      let depth = parenDepth(trimmed);
      i++;
      while (depth > 0 && i < lines.length) depth += parenDepth(lines[i++]);
      continue;
    }
    // A statement, possibly over several lines.
    let stmt = trimmed;
    let last = i;
    while (parenDepth(stmt) > 0 && last + 1 < lines.length && regions[last + 1]) {
      last++;
      stmt += ' ' + stripComments(lines[last], comment).trim();
    }
    for (let l = i; l <= last; l++) codeLines.push(l);
    const link = matchStatement(stmt, stack.map((s) => s.fn).reverse(), seen);
    for (let l = i; l <= last; l++) {
      if ('reason' in link) unlinked.set(l, link.reason);
      else links.set(l, link);
    }
    i = last + 1;
  }
  return { links, unlinked, codeLines };
}

function matchStatement(stmt: string, context: string[], seen: Map<string, number>): Link | { reason: string } {
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
  if (fns.length === 1) return pick(all);
  if (fns.length > 1) return { reason: `the statement is in ${fns.join(', ')}; no enclosing function here says which` };
  // A safe part of one statement: a piece of one probe's text in the context function.
  const bare = norm.replace(/;$/, '');
  if (bare.length >= 8) {
    for (const fn of context.length ? context : []) {
      const parts = probesOf(fn).filter((p) => p.norm.includes(bare));
      if (parts.length === 1) return { kind: 'partial', fn, text: parts[0].text, occurrence: parts[0].occurrence };
      if (parts.length > 1) return { reason: `part of ${parts.length} statements of ${fn}; it could be either` };
    }
    const anywhere = [...probesByText().values()].flat().filter((p) => p.norm.includes(bare));
    if (anywhere.length === 1) return { kind: 'partial', fn: anywhere[0].fn, text: anywhere[0].text, occurrence: anywhere[0].occurrence };
  }
  return { reason: context.length ? `no statement of ${context[0]} reads like this in the engine` : 'no modelled function has this statement' };
}
