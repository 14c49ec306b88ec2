// Claims: comment and prose text that states a value — `MAXMEM_PFN = 0x38000000 >> 12 =
// 0x38000`, `#define HIGH_MEMORY (1024*1024)`, `max_dma = 0x1000 个 pages`, "为3，表示分配 4
// pages", the gfp index -> zone tables, a row of values per loop iteration — parsed and
// checked against the engine. A claim that holds on some machines only says on which and is
// checked on one of them; a value the engine does not model is reported as such, not passed.

import { Engine } from '../engine/engine';
import { evaluate, type Scope } from '../engine/inspect/expr';
import type { KVal } from '../engine/inspect/values';
import { presetMachine } from '../engine/machine';
import type { Kernel } from '../engine/state';
import { stripComments, type LinkedText, type Link } from './linker';

export interface Claim {
  /** 0-based line, and the claim's text on it. */
  readonly line: number;
  readonly text: string;
  /** true: holds; false: the engine computes otherwise; null: the engine does not model it. */
  readonly holds: boolean | null;
  /** What the engine computes (the live value, or the values it differs by). */
  readonly engine: string;
  /** For machine-dependent claims: where it holds, and the machine it was checked on. */
  readonly machines?: string;
}

/** The machines claims are checked on, booted once. */
export class ClaimMachines {
  private readonly booted = new Map<string, Kernel>();
  constructor(readonly live: Kernel) {}
  get(name: string): Kernel {
    if (name === 'live') return this.live;
    let k = this.booted.get(name);
    if (!k) {
      k = Engine.boot(presetMachine(name)).k;
      this.booted.set(name, k);
    }
    return k;
  }
}

const REFERENCE = ['pc-16m', 'pc-64m', 'pc-896m', 'pc-2g-highmem'];

/** Scope for claims outside a stop: globals, constants, and setup_arch's/paging_init's last values. */
function claimScope(k: Kernel): Scope {
  const locals: Record<string, unknown> = {
    start_pfn: k.setup.start_pfn, max_pfn: k.setup.max_pfn, bootmap_size: k.setup.bootmap_size,
    max_dma: 4096, totalpages: k.node_size, realtotalpages: k.node_size,
  };
  return { k, fn: 'setup_arch', locals };
}

function value(expr: string, k: Kernel): KVal | null {
  try {
    return evaluate(expr, claimScope(k));
  } catch {
    return null;
  }
}

function num(v: KVal | null): number | null {
  if (!v) return null;
  return v.t === 'int' ? v.v : v.t === 'ptr' ? v.addr : null;
}

const hex = (n: number): string => (n < 0 ? String(n) : `0x${n.toString(16)}`);

/** An expression that parses at the start of `s`: the longest such prefix. */
function leadingExpr(s: string, k: Kernel): string | null {
  const m = /^[\w\s()+\-*/<>&|~^.[\]]+/.exec(s);
  if (!m) return null;
  let e = m[0].trim();
  while (e) {
    if (value(e, k) !== null) return e;
    e = e.slice(0, -1).trim();
  }
  return null;
}

/** An expression that ends at the end of `s`: the longest such suffix. */
function trailingExpr(s: string, k: Kernel): string | null {
  const m = /[\w\s()+\-*/<>&|~^.[\]]+$/.exec(s);
  if (!m) return null;
  let e = m[0].trim();
  while (e) {
    if (value(e, k) !== null) return e;
    e = e.replace(/^\S+\s*/, '').trim();
  }
  return null;
}

/** Where a value-claim holds among the reference machines and the live one. */
function acrossMachines(ms: ClaimMachines, test: (k: Kernel) => boolean | null): { holds: boolean | null; machines?: string; on: Kernel } {
  const live = test(ms.live);
  const ok: string[] = [];
  const bad: string[] = [];
  for (const name of REFERENCE) {
    const r = test(ms.get(name));
    if (r === true) ok.push(name);
    else if (r === false) bad.push(name);
  }
  if (ok.length && bad.length) {
    const on = live ? ms.live : ms.get(ok[ok.length - 1]);
    return { holds: true, machines: `holds on ${ok.join(', ')}, not on ${bad.join(', ')}; checked on ${live ? 'the live machine' : ok[ok.length - 1]}`, on };
  }
  return { holds: live, on: ms.live };
}

/** `A = B = C` and `#define A B` in a comment: every side the same value. */
function chainClaims(line: number, comment: string, ms: ClaimMachines, out: Claim[]): void {
  const def = /#define\s+(\w+)\s+(.+)$/.exec(comment);
  const sides: string[] = [];
  if (def) sides.push(def[1], def[2].trim());
  else if (/\s=\s/.test(comment)) {
    const parts = comment.split(/\s=\s/);
    const bracket = /\[(\w+)\]\s+(\S+)$/.exec(parts[0]);
    const first = bracket ? null : trailingExpr(parts[0], ms.live);
    if (bracket) sides.push(bracket[1], bracket[2]);
    else if (first) sides.push(first);
    for (const p of parts.slice(1)) {
      const e = leadingExpr(p, ms.live);
      if (e) sides.push(e);
      else break;
    }
  }
  if (sides.length >= 2) {
    const test = (k: Kernel): boolean | null => {
      const vs = sides.map((s) => num(value(s, k)));
      if (vs.some((v) => v === null)) return null;
      const norm = vs.map((v) => ((v! % 2 ** 32) + 2 ** 32) % 2 ** 32);
      return norm.every((v) => v === norm[0]);
    };
    const r = acrossMachines(ms, test);
    if (r.holds === null) return;
    const vals = sides.map((s) => `${s} = ${hex(num(value(s, r.on))!)}`).join(', ');
    out.push({ line, text: sides.join(' = '), holds: r.holds, engine: vals, machines: r.machines });
    return;
  }
  // `NAME (VALUE)`: PAGE_OFFSET (0xc0000000), empty_zero_page (0x4000).
  for (const m of comment.matchAll(/\b([A-Za-z_]\w*)\s*\((0x[0-9a-f]+|\d+)\)/gi)) {
    const v = num(value(m[1], ms.live));
    if (v === null) {
      if (/^[a-z_]+$/i.test(m[1]) && m[1].length > 3 && !/^(to|at|of)$/.test(m[1])) out.push({ line, text: m[0], holds: null, engine: `the engine does not model ${m[1]}` });
      continue;
    }
    out.push({ line, text: m[0], holds: v === Number(m[2]), engine: `${m[1]} = ${hex(v)}` });
  }
}

/** Range claims: lowmem / highmem / the direct map, which depend on the machine's RAM. */
function rangeClaims(line: number, comment: string, ms: ClaimMachines, out: Claim[]): void {
  const rules: [RegExp, (m: RegExpMatchArray) => string[]][] = [
    [/lowmem:\s*(0x[0-9a-f]+)-(0x[0-9a-f]+)/i, (m) => [`0 == ${m[1]}`, `max_low_pfn << PAGE_SHIFT == ${m[2]}`]],
    [/highmem:\s*(0x[0-9a-f]+)-max_pfn/i, (m) => [`highstart_pfn << PAGE_SHIFT == ${m[1]}`]],
    [/(0x[0-9a-f]+)-(0x[0-9a-f]+)的物理内存/i, (m) => [`max_low_pfn << PAGE_SHIFT == ${m[2]}`]],
    [/虚拟地址\s*(0x[0-9a-f]+)-(0x[0-9a-f]+)\s*映射到\s*物理地址\s*(0x[0-9a-f]+)-(0x[0-9a-f]+)/i,
      (m) => [`PAGE_OFFSET == ${m[1]}`, `__va(max_low_pfn << PAGE_SHIFT) == ${m[2]}`, `max_low_pfn << PAGE_SHIFT == ${m[4]}`]],
    [/物理页\s*0\s*\((0x[0-9a-f]+)-(0x[0-9a-f]+)\)/i, (m) => [`PAGE_SIZE == ${m[2]} - ${m[1]}`]],
    [/ZONE_DMA\s*设置为\s*(0x[0-9a-f]+)/i, (m) => [`contig_page_data.node_zones[0].size == ${m[1]}`]],
    [/大小为\s*(0x[0-9a-f]+)/i, (m) => [`max_dma << PAGE_SHIFT == ${m[1]}`]],
  ];
  for (const [re, exprs] of rules) {
    const m = re.exec(comment);
    if (!m) continue;
    const es = exprs(m);
    const test = (k: Kernel): boolean | null => {
      const vs = es.map((e) => num(value(e, k)));
      return vs.some((v) => v === null) ? null : vs.every((v) => v === 1);
    };
    const r = acrossMachines(ms, test);
    const shown = es.map((e) => e.replace(/ == .*/, '')).map((e) => `${e} = ${hex(num(value(e, r.on)) ?? NaN)}`).join(', ');
    out.push({ line, text: m[0], holds: r.holds, engine: shown, machines: r.machines });
  }
}

/** "为3，表示分配 4 pages": an order-N allocation takes 2^N pages (checked by allocating). */
function orderClaims(line: number, prose: string, ms: ClaimMachines, out: Claim[]): void {
  for (const m of prose.matchAll(/为\s*(\d+)\s*[，,]\s*表示分配\s*(\d+)\s*pages?/g)) {
    const order = Number(m[1]);
    const e = Engine.adopt(ms.live.machine, ms.get('pc-64m').clone());
    const before = e.k.zones.reduce((n, z) => n + z.free_pages, 0);
    e.alloc('GFP_KERNEL', order);
    const took = before - e.k.zones.reduce((n, z) => n + z.free_pages, 0);
    out.push({ line, text: m[0], holds: took === Number(m[2]), engine: `alloc_pages(GFP_KERNEL, ${order}) takes ${took} pages` });
  }
}

/** The gfp index -> first zone tables and rules, checked on a machine with or without HIGHMEM. */
function zoneTableClaims(lines: string[], ms: ClaimMachines, out: Claim[]): void {
  let highmem: boolean | null = null;
  const names: Record<string, string> = { NORMAL: 'Normal', DMA: 'DMA', HIGHMEM: 'HighMem' };
  const first = (k: Kernel, i: number): string => {
    const z = k.zonelists[i * 4];
    return z >= 0 ? k.zones[z].name : 'NULL';
  };
  const rules: { pred: string; zone: string }[] = [];
  lines.forEach((raw, line) => {
    const every = /每\s*(\d+)\s*个配置为一个类型的\s*zone/.exec(raw);
    if (every) {
      const n = Number(every[1]);
      const k = ms.get('pc-64m');
      const bad = [...Array(256).keys()].find((i) => first(k, i) !== first(k, i - (i % n)));
      out.push({ line, text: every[0], holds: bad === undefined, engine: bad === undefined ? `node_zonelists changes zone only every ${n} indices` : `index ${hex(bad!)} differs from ${hex(bad! - (bad! % n))}`, machines: 'checked on pc-64m (no HIGHMEM)' });
    }
    if (/HIGHMEM/.test(raw) && /没有|without|no HIGHMEM/i.test(raw) && !/->/.test(raw)) highmem = false;
    else if (/有了\s*HIGHMEM|with HIGHMEM/i.test(raw) && !/->/.test(raw)) highmem = true;
    if (highmem === null) return;
    const machine = highmem ? 'pc-2g-highmem' : 'pc-64m';
    const k = ms.get(machine);
    const rule = /^\s*(else|i\s*&.*?)\s*->\s*(HIGHMEM|NORMAL|DMA)\s*;/.exec(raw) ?? /^\s*else\s+(NORMAL|DMA|HIGHMEM)\s*;/.exec(raw);
    if (rule) {
      const zone = rule.length === 3 ? rule[2] : rule[1];
      const pred = rule.length === 3 && rule[1] !== 'else' ? rule[1].replace(/==\s*true/g, '!= 0').replace(/==\s*false/g, '== 0').replace(/i\s*&\s*(0x[0-9a-f]+)\s*(!=|==)/gi, '(i & $1) $2') : '1';
      const earlier = rules.map((r) => r.pred);
      rules.push({ pred, zone });
      const bad: number[] = [];
      for (let i = 0; i < 256; i++) {
        const hit = (p: string): boolean => num(value(p.replace(/\bi\b/g, String(i)), k)) === 1;
        if (earlier.some(hit) || !hit(pred)) continue;
        if (first(k, i) !== names[zone]) bad.push(i);
      }
      out.push({ line, text: raw.trim().replace(/\s*\/\/.*$/, ''), holds: bad.length === 0, engine: bad.length ? `index ${hex(bad[0])} starts at ${first(k, bad[0])}` : `all matching indices start at ${names[zone]}`, machines: `checked on ${machine} (${highmem ? 'HIGHMEM' : 'no HIGHMEM'})` });
      return;
    }
    for (const m of raw.matchAll(/(0x[0-9a-f]+)\s*-\s*(0x[0-9a-f]+)\s+(NORMAL|DMA|HIGHMEM)/gi)) {
      const [lo, hi] = [Number(m[1]), Number(m[2])];
      const bad = [...Array(hi - lo + 1).keys()].map((d) => lo + d).filter((i) => first(k, i) !== names[m[3].toUpperCase()]);
      out.push({ line, text: m[0], holds: bad.length === 0, engine: bad.length ? `${hex(bad[0])} starts at ${first(k, bad[0])}` : `${names[m[3].toUpperCase()]} first`, machines: `checked on ${machine} (${highmem ? 'HIGHMEM' : 'no HIGHMEM'})` });
    }
  });
}

/** Rows of values (a table of `i:` and `mask:` rows, or `-1, -2, -4, ...`) bound to the statement near them. */
function rowClaims(lines: string[], linked: LinkedText, ms: ClaimMachines, out: Claim[]): void {
  const statementNear = (line: number, dir: 1 | -1): { line: number; link: Link } | null => {
    for (let l = line + dir; l >= 0 && l < lines.length && Math.abs(l - line) < 12; l += dir) {
      const k = linked.links.get(l);
      if (k && k.kind === 'probe') return { line: l, link: k };
    }
    return null;
  };
  const table = new Map<number, { name: string; values: string[] }>();
  lines.forEach((raw, line) => {
    const c = /\/\/\s*(.*)$/.exec(raw)?.[1] ?? '';
    const row = /^([~\w]+):\s+((?:-?(?:0x[0-9a-f]+|\d+)\s*)+)$/i.exec(c.trim());
    if (row) table.set(line, { name: row[1], values: row[2].trim().split(/\s+/) });
    const multiples = [...c.matchAll(/(\d+)的倍数/g)].map((x) => x[1]);
    if (multiples.length >= 3) table.set(line, { name: '-(mask)', values: multiples });
  });
  // A table: consecutive rows with an `i:` row; values at the next statement after it, per iteration.
  const done = new Set<number>();
  for (const [line, row] of table) {
    if (row.name !== 'i' || done.has(line)) continue;
    const rows: [number, { name: string; values: string[] }][] = [];
    for (let l = line; table.has(l); l++) {
      rows.push([l, table.get(l)!]);
      done.add(l);
    }
    const at = statementNear(rows[rows.length - 1][0], 1);
    if (!at) continue;
    const is = row.values.map(Number);
    for (const [l, r] of rows.slice(1)) {
      const unsigned = r.values.some((v) => /^0x/i.test(v));
      const expr = unsigned ? `(unsigned int)(${r.name})` : r.name;
      const got = valuesAt(ms, at.link, expr, Math.max(...is) + 1);
      const want = r.values.map(Number);
      const engineVals = is.map((i) => got[i]);
      const holds = engineVals.every((v, n) => v === want[n]);
      out.push({ line: l, text: `${r.name}: ${r.values.join(' ')}`, holds, engine: `at ${at.link.text} for i = ${is.join(', ')}: ${r.name} = ${engineVals.map((v) => (v === null ? '?' : unsigned ? hex(v) : String(v))).join(', ')}`, machines: 'checked on pc-64m' });
    }
  }
  // A bare sequence above a statement: its variable's values before it runs, per iteration.
  lines.forEach((raw, line) => {
    const c = /^\s*\/\/\s*((?:-?\d+,\s*)+-?\d+)(?:,\s*\.\.\.)?\s*$/.exec(raw);
    if (!c) return;
    const at = statementNear(line, 1);
    if (!at || !at.link.text) return;
    const lhs = /^([\w>.\-[\]]+)\s*[+\-*/|&]?=/.exec(at.link.text)?.[1];
    if (!lhs) return;
    const want = c[1].split(/,\s*/).map(Number);
    const got = valuesAt(ms, at.link, lhs, want.length);
    out.push({ line, text: c[1], holds: got.every((v, n) => v === want[n]), engine: `${lhs} before ${at.link.text}: ${got.join(', ')}`, machines: 'checked on pc-64m' });
  });
}

/** The value of `expr` each time the statement of `link` is about to run (first `n` times), on pc-64m. */
function valuesAt(ms: ClaimMachines, link: Link, expr: string, n: number): (number | null)[] {
  const { engine, stepper } = Engine.stepBoot(ms.get('pc-64m').machine);
  const want = link.occurrence && link.occurrence > 1 ? `${link.text}\u0000${link.occurrence}` : link.text!;
  const out: (number | null)[] = [];
  while (out.length < n) {
    const stop = stepper.continue((f, p) => f === link.fn && p === want);
    if (stop.reason !== 'breakpoint') break;
    try {
      out.push(num(evaluate(expr, { k: engine.k, fn: link.fn, locals: stop.stack[0].locals() })));
    } catch {
      out.push(null);
    }
  }
  return out;
}

/**
 * Claims bound to a statement — in a comment after it on its line, or on the comment line right
 * above it — read at that statement (on pc-64m, first iterations): "为 0" / "(0)" of the value it
 * assigns, "除以 1, 2, 4, …" of a shift, "对 0/2/4/… 向上取整" of a mask's rounding unit,
 * "除以8向上取整" of a rounding division, "分为 10类", "1个…、2个…、…、10个连续pages".
 */
function statementClaims(lines: string[], linked: LinkedText, ms: ClaimMachines, out: Claim[]): void {
  const state = { inBlock: false };
  lines.forEach((raw, line) => {
    const code = stripComments(raw, state);
    const comment = raw.slice(code.length).replace(/^\s*\/\/\s*/, '').trim();
    if (!comment) return;
    const own = linked.links.get(line);
    const below = code.trim() ? undefined : linked.links.get(line + 1);
    const link = own?.kind === 'probe' ? own : below?.kind === 'probe' ? below : undefined;
    const count = (n: number) => (link ? valuesAtText(ms, link, n) : null);
    let m: RegExpExecArray | null;
    if ((m = /(\d+)\s*类/.exec(comment))) {
      const v = num(value('MAX_ORDER', ms.live))!;
      out.push({ line, text: m[0], holds: v === Number(m[1]), engine: `MAX_ORDER = ${v}: orders 0..${v - 1}` });
    }
    const blocks = [...comment.matchAll(/(\d+)\s*个连续\s*pages?/g)].map((x) => Number(x[1]));
    if (blocks.length >= 2) {
      const maxo = num(value('MAX_ORDER', ms.live))! - 1;
      const want = [...blocks.slice(0, -1).map((_, i) => 2 ** i), 2 ** maxo];
      out.push({ line, text: comment.slice(comment.indexOf(String(blocks[0]))), holds: blocks.every((b, i) => b === want[i]), engine: `blocks of ${want.slice(0, -1).join(', ')}, …, ${want[want.length - 1]} pages (order 0..${maxo})` });
    }
    if (!link?.text) return;
    const stmt = link.text;
    const rhs = /=\s*(.+);$/.exec(stmt)?.[1];
    const numbers = comment.match(/\b(0x[0-9a-f]+|\d+)\b/gi) ?? [];
    if ((m = /(?:为|\()\s*(0x[0-9a-f]+|\d+)\s*(?:\)\s*$|$|[，,])/i.exec(comment)) && rhs && numbers.length === 1 && !/(大小|设置)为/.test(comment)) {
      const got = valuesAt(ms, link, rhs, 1)[0];
      out.push({ line, text: m[0].trim(), holds: got === Number(m[1]), engine: `${rhs} = ${got} the first time ${link.fn} runs it (pc-64m)` });
    }
    if ((m = /除以\s*((?:\d+\s*,\s*)+\d+)/.exec(comment)) && /(>>|\/)\s*(\w+)\s*;$/.test(stmt)) {
      const by = /(?:>>|\/)\s*(\w+)\s*;$/.exec(stmt)![1];
      const want = m[1].split(/\s*,\s*/).map(Number);
      const got = valuesAt(ms, link, stmt.includes('>>') ? `1 << ${by}` : by, want.length);
      out.push({ line, text: m[0], holds: got.every((v, i) => v === want[i]), engine: `${stmt.includes('>>') ? `1 << ${by}` : by} = ${got.join(', ')} (pc-64m)` });
    }
    if ((m = /对\s*((?:\d+\s*\/\s*)+)(?:\.\.\.)?\s*向上取整/.exec(comment)) && /&\s*(\w+)\s*;$/.test(stmt)) {
      const mask = /&\s*(\w+)\s*;$/.exec(stmt)![1];
      const want = m[1].split('/').filter(Boolean).map(Number);
      const got = valuesAt(ms, link, `-(${mask})`, want.length);
      out.push({ line, text: m[0], holds: got.every((v, i) => v === want[i]), engine: `rounds up to multiples of ${got.join(', ')} (-${mask}, pc-64m)` });
    }
    if ((m = /2\^i\b/.exec(comment)) && /\b(\w+)\s*>>\s*i\s*;$/.test(stmt)) {
      const got = valuesAt(ms, link, '1 << i', 3);
      out.push({ line, text: m[0], holds: got.every((v, i) => v === 2 ** i), engine: `${stmt} counts blocks of 1 << i = ${got.join(', ')}, … pages` });
    }
    if ((m = /置\s*1/.exec(comment)) && /0xff/i.test(stmt)) {
      out.push({ line, text: m[0], holds: true, engine: `${stmt}: every byte 0xff, every bit 1 (reserved)` });
    }
    if ((m = /置\s*0/.exec(comment)) && /^for \(/.test(stmt)) {
      // Read when the loop is done: as setup_arch enters reserve_bootmem, the next thing it does.
      const after: Link = { kind: 'probe', fn: 'reserve_bootmem', text: 'reserve_bootmem_core(contig_page_data.bdata, addr, size);', occurrence: 1 };
      const got = link.fn === 'setup_arch' ? valuesAt(ms, after, 'test_bit(256, contig_page_data.bdata->node_bootmem_map)', 1)[0] : null;
      out.push({ line, text: m[0], holds: got === null ? null : got === 0, engine: got === null ? 'not read' : `after the loop the bit of the first page above 1 MiB is ${got} (pc-64m)` });
    }
    if ((m = /将\s*(0x[0-9a-f]+)-\(/i.exec(comment)) && /HIGH_MEMORY/.test(stmt)) {
      const v = num(value('HIGH_MEMORY', ms.live))!;
      out.push({ line, text: m[0], holds: v === Number(m[1]), engine: `HIGH_MEMORY = ${hex(v)}` });
    }
    if ((m = /除以\s*(\d+)\s*向上取整|向上对\s*(\d+)\s*取整|^对\s*(\d+)\s*向上取整/.exec(comment))) {
      const n = Number(m[1] ?? m[2] ?? m[3]);
      const inner = /\(\(?([^()]+(?:\([^()]*\))?[^()]*?)\)?\s*\+\s*(\d+)\)/.exec(stmt);
      const got = inner && rhs ? valuesAt(ms, link, `(${rhs}) == ((${inner[1]}) + ${n - 1}) / ${n}`, 1)[0] : null;
      out.push({ line, text: m[0], holds: got === null ? null : got === 1 && Number(inner![2]) === n - 1, engine: got === null ? 'not a rounding division the engine can read' : `${rhs} = ⌈(${inner![1]}) / ${n}⌉` });
    }
  });
}

function valuesAtText(ms: ClaimMachines, link: Link, n: number): (number | null)[] {
  return valuesAt(ms, link, '0', n);
}

/** Every claim of a text (Markdown notes or C), checked. */
export function checkClaims(text: string, linked: LinkedText, live: Kernel): Claim[] {
  const lines = text.split(/\r?\n/);
  const ms = new ClaimMachines(live);
  const out: Claim[] = [];
  const state = { inBlock: false };
  lines.forEach((raw, line) => {
    const code = stripComments(raw, state);
    const comment = raw.slice(code.length).replace(/^\s*(\/\/|\/\*)\s*/, '').replace(/\*\/\s*$/, '');
    const prose = linked.codeLines.includes(line) ? comment : raw;
    if (comment.trim()) {
      chainClaims(line, comment.trim(), ms, out);
      rangeClaims(line, comment, ms, out);
    }
    if (/表示分配/.test(prose)) orderClaims(line, prose, ms, out);
  });
  zoneTableClaims(lines, ms, out);
  rowClaims(lines, linked, ms, out);
  statementClaims(lines, linked, ms, out);
  return out.sort((a, b) => a.line - b.line);
}
