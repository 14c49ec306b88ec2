// C expressions over the live state, for hover, watch, the debug console and breakpoint
// conditions: identifiers (the frame's locals, the globals, contig_page_data, the kernel's
// constants), `->`, `.`, `[ ]`, `&`, `*`, casts to known types, arithmetic, shifts,
// comparisons, logic, and the macros the notes use (PFN_UP, PFN_DOWN, PFN_PHYS, __pa, __va,
// virt_to_page, page_address, LONG_ALIGN, sizeof). A bad expression says where it fails.

import { RequestError } from '../errors';
import { gfpNames } from '../include/mm';
import { MAX_NR_ZONES, MAX_ORDER, NR_GFPINDEX, SIZEOF, ZONE_DMA, ZONE_HIGHMEM, ZONE_NORMAL } from '../include/mmzone';
import {
  HIGH_MEMORY, MAXMEM, MAXMEM_PFN, MAX_DMA_ADDRESS, MAX_NONPAE_PFN, PAGE_OFFSET, PAGE_SHIFT, PAGE_SIZE, VMALLOC_RESERVE,
} from '../include/page';
import type { Kernel } from '../state';
import { localVal } from './locals';
import { globals, int, pagePtr, ptr, show, type KVal } from './values';

export class ExprError extends RequestError {
  constructor(readonly column: number, reason: string, expr: string) {
    super(`${reason} (column ${column + 1} of "${expr}")`, 'expression');
  }
}

type Tok = { kind: 'num' | 'id' | 'op' | 'end'; text: string; pos: number };

const OPS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '~', '!', '(', ')', '[', ']', '.', ',', '?', ':'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(0x[0-9a-fA-F]+|\d+)[uUlL]*/.exec(src.slice(i));
    if (num) { out.push({ kind: 'num', text: num[1], pos: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id) { out.push({ kind: 'id', text: id[0], pos: i }); i += id[0].length; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(i, `unexpected character '${c}'`, src);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

const TYPES: Record<string, { ctype: string; size: number; ptr: boolean }> = {
  'unsigned long': { ctype: 'unsigned long', size: 4, ptr: false },
  'unsigned int': { ctype: 'unsigned int', size: 4, ptr: false },
  'unsigned long long': { ctype: 'unsigned long long', size: 8, ptr: false },
  'unsigned char': { ctype: 'unsigned char', size: 1, ptr: false },
  'long': { ctype: 'long', size: 4, ptr: false },
  'int': { ctype: 'int', size: 4, ptr: false },
  'char': { ctype: 'char', size: 1, ptr: false },
};
const STRUCT_SIZES: Record<string, number> = {
  'struct page': SIZEOF.page, mem_map_t: SIZEOF.page, free_area_t: SIZEOF.free_area_t, zone_t: SIZEOF.zone_t,
  zonelist_t: SIZEOF.zonelist_t, pg_data_t: SIZEOF.pg_data_t, bootmem_data_t: SIZEOF.bootmem_data_t, 'struct resource': SIZEOF.resource,
  'unsigned long': 4, 'unsigned int': 4, int: 4, long: 4, char: 1, 'unsigned char': 1, 'unsigned long long': 8,
};

export interface Scope {
  k: Kernel;
  /** The current frame: its function and live locals (absent outside a stop). */
  fn?: string;
  locals?: Record<string, unknown>;
}

function constants(k: Kernel): Record<string, number> {
  const c: Record<string, number> = {
    PAGE_SHIFT, PAGE_SIZE, PAGE_OFFSET, MAX_ORDER, MAX_NR_ZONES, NR_GFPINDEX, MAXMEM, MAXMEM_PFN, MAX_DMA_ADDRESS,
    HIGH_MEMORY, VMALLOC_RESERVE, MAX_NONPAE_PFN, ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, NULL: 0,
    E820_RAM: 1, E820_RESERVED: 2, E820_ACPI: 3, E820_NVS: 4, E820MAX: 32, PG_reserved: 31, PG_highmem: 12,
  };
  for (const [n, v] of gfpNames(k.CONFIG_HIGHMEM)) c[n] = v;
  return c;
}

class Parser {
  private i = 0;
  private readonly toks: Tok[];
  private globalsCache: Map<string, KVal> | null = null;
  constructor(private readonly src: string, private readonly scope: Scope) {
    this.toks = tokenize(src);
  }

  parse(): KVal {
    const v = this.ternary();
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, `unexpected '${t.text}'`);
    return v;
  }

  private peek(): Tok { return this.toks[this.i]; }
  private next(): Tok { return this.toks[this.i++]; }
  private fail(t: Tok, why: string): never { throw new ExprError(t.pos, why, this.src); }
  private expect(op: string): void {
    const t = this.next();
    if (t.text !== op) this.fail(t, `expected '${op}'`);
  }
  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t.kind === 'op' && ops.includes(t.text);
  }

  private ternary(): KVal {
    const c = this.binary(0);
    if (!this.isOp('?')) return c;
    this.next();
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return truthy(c) ? a : b;
  }

  private static readonly PREC: [string[], number][] = [
    [['||'], 1], [['&&'], 2], [['|'], 3], [['^'], 4], [['&'], 5], [['==', '!='], 6],
    [['<', '<=', '>', '>='], 7], [['<<', '>>'], 8], [['+', '-'], 9], [['*', '/', '%'], 10],
  ];

  private binary(min: number): KVal {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const entry = t.kind === 'op' ? Parser.PREC.find(([ops]) => ops.includes(t.text)) : undefined;
      if (!entry || entry[1] <= min) return left;
      this.next();
      const right = this.binary(entry[1]);
      left = binop(t.text, left, right, (why) => this.fail(t, why));
    }
  }

  private unary(): KVal {
    const t = this.peek();
    if (t.kind === 'op' && ['-', '~', '!', '*', '&'].includes(t.text)) {
      this.next();
      const v = this.unary();
      switch (t.text) {
        case '-': return int(-asInt(v, (w) => this.fail(t, w)), 'long');
        case '~': return int((~asInt(v, (w) => this.fail(t, w))) >>> 0);
        case '!': return int(truthy(v) ? 0 : 1, 'int');
        case '*': return deref(v, 0, (w) => this.fail(t, w));
        case '&': return addressOf(v, (w) => this.fail(t, w));
      }
    }
    if (this.isOp('(')) {
      const save = this.i;
      this.next();
      const ty = this.typeName();
      if (ty && this.isOp(')')) {
        this.next();
        return cast(this.unary(), ty);
      }
      this.i = save;
    }
    return this.postfix();
  }

  /** A type name at the cursor ("unsigned long", "struct page *"), or null. */
  private typeName(): string | null {
    const start = this.i;
    const words: string[] = [];
    while (this.peek().kind === 'id' && ['unsigned', 'long', 'int', 'char', 'struct', 'page', 'void', 'zone_t', 'free_area_t', 'pg_data_t', 'mem_map_t', 'zonelist_t', 'bootmem_data_t', 'resource'].includes(this.peek().text)) {
      words.push(this.next().text);
    }
    let stars = 0;
    while (words.length && this.isOp('*')) { this.next(); stars++; }
    const base = words.join(' ');
    if (!base || !(base in STRUCT_SIZES || base === 'void')) { this.i = start; return null; }
    return base + (stars ? ' ' + '*'.repeat(stars) : '');
  }

  private postfix(): KVal {
    let v = this.primary();
    for (;;) {
      const t = this.peek();
      if (this.isOp('[')) {
        this.next();
        const idx = this.ternary();
        this.expect(']');
        v = deref(v, asInt(idx, (w) => this.fail(t, w)), (w) => this.fail(t, w));
      } else if (this.isOp('.', '->')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'id') this.fail(name, 'expected a field name');
        const base = t.text === '->' ? deref(v, 0, (w) => this.fail(t, w)) : v;
        if (base.t !== 'struct') this.fail(t, `${show(base)} is not a structure`);
        const f = base.fields().find(([n]) => n === name.text);
        if (!f) this.fail(name, `${base.ctype} has no field '${name.text}' (fields: ${base.fields().map(([n]) => n).join(', ')})`);
        v = f[1];
      } else return v;
    }
  }

  private primary(): KVal {
    const t = this.next();
    if (t.kind === 'num') return int(Number(t.text));
    if (t.kind === 'op' && t.text === '(') {
      const v = this.ternary();
      this.expect(')');
      return v;
    }
    if (t.kind !== 'id') this.fail(t, t.kind === 'end' ? 'the expression ends too soon' : `unexpected '${t.text}'`);
    if (this.isOp('(')) return this.call(t);
    return this.lookup(t);
  }

  private call(t: Tok): KVal {
    this.next();
    if (t.text === 'sizeof') {
      const ty = this.typeName();
      if (!ty) this.fail(this.peek(), 'sizeof takes a known type here');
      this.expect(')');
      return int(ty.endsWith('*') ? 4 : STRUCT_SIZES[ty], 'unsigned int');
    }
    const args: KVal[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.ternary());
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    this.expect(')');
    const k = this.scope.k;
    const one = (): number => {
      if (args.length !== 1) this.fail(t, `${t.text} takes one argument`);
      return asInt(args[0], (w) => this.fail(t, w));
    };
    switch (t.text) {
      case 'PFN_UP': return int(Math.floor((one() + PAGE_SIZE - 1) / PAGE_SIZE));
      case 'PFN_DOWN': return int(Math.floor(one() / PAGE_SIZE));
      case 'PFN_PHYS': return int(one() * PAGE_SIZE);
      case '__pa': case 'virt_to_phys': return int(one() - PAGE_OFFSET);
      case '__va': case 'phys_to_virt': return ptr(one() + PAGE_OFFSET, 'void *');
      case 'LONG_ALIGN': return int((one() + 3) & ~3);
      case 'virt_to_page': return pagePtr(k, Math.floor((one() - PAGE_OFFSET) / PAGE_SIZE));
      case 'page_address': {
        const p = args[0];
        if (args.length !== 1 || p.t !== 'ptr' || !p.ctype.includes('page')) this.fail(t, 'page_address takes a struct page *');
        const idx = Math.round((p.addr - k.mem_map) / SIZEOF.page);
        return ptr(k.page_zone[idx] === 2 ? 0 : PAGE_OFFSET + idx * PAGE_SIZE, 'void *');
      }
      case 'test_bit': {
        if (args.length !== 2) this.fail(t, 'test_bit takes (nr, addr)');
        const nr = asInt(args[0], (w) => this.fail(t, w));
        const word = deref(args[1], nr >> 5, (w) => this.fail(t, w));
        return int((asInt(word, (w) => this.fail(t, w)) >>> (nr & 31)) & 1, 'int');
      }
    }
    this.fail(t, `unknown function or macro '${t.text}' (known: PFN_UP, PFN_DOWN, PFN_PHYS, __pa, __va, virt_to_page, page_address, LONG_ALIGN, test_bit, sizeof)`);
  }

  private lookup(t: Tok): KVal {
    const { k, fn, locals } = this.scope;
    if (locals && fn && t.text in locals) return localVal(k, fn, t.text, locals[t.text], locals);
    if (!this.globalsCache) this.globalsCache = new Map(globals(k));
    const g = this.globalsCache.get(t.text);
    if (g) return g;
    const c = constants(k)[t.text];
    if (c !== undefined) return int(c);
    const where = fn ? `in ${fn}'s locals, the globals or the constants` : 'in the globals or the constants';
    this.fail(t, `unknown identifier '${t.text}' (not ${where})`);
  }
}

function truthy(v: KVal): boolean {
  return v.t === 'int' ? v.v !== 0 : v.t === 'ptr' ? v.addr !== 0 : true;
}

function asInt(v: KVal, fail: (why: string) => never): number {
  if (v.t === 'int') return v.v;
  if (v.t === 'ptr' || v.t === 'array' || v.t === 'struct') return v.addr;
  fail(`${show(v)} is not a number`);
}

function wrap(n: number, wide: boolean): number {
  if (wide) return n;
  const m = ((n % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return m;
}

function binop(op: string, a: KVal, b: KVal, fail: (why: string) => never): KVal {
  // Pointer arithmetic: ptr +/- int moves by elements; ptr - ptr counts them.
  if ((op === '+' || op === '-') && (a.t === 'ptr' || a.t === 'array') && b.t === 'int') {
    const d = op === '+' ? b.v : -b.v;
    return elemPtr(a, d, fail);
  }
  if (op === '+' && a.t === 'int' && (b.t === 'ptr' || b.t === 'array')) return elemPtr(b, a.v, fail);
  if (op === '-' && (a.t === 'ptr' || a.t === 'array') && (b.t === 'ptr' || b.t === 'array')) {
    const size = a.elemSize ?? 1;
    return int((a.addr - b.addr) / size, 'long');
  }
  const x = asInt(a, fail);
  const y = asInt(b, fail);
  const wide = (a.t === 'int' && a.ctype === 'unsigned long long') || (b.t === 'int' && b.ctype === 'unsigned long long');
  const signed = a.t === 'int' && b.t === 'int' && !a.ctype.startsWith('unsigned') && !b.ctype.startsWith('unsigned');
  const ctype = wide ? 'unsigned long long' : signed ? 'long' : 'unsigned long';
  const res = (n: number): KVal => int(signed ? n : wrap(n, wide), ctype);
  switch (op) {
    case '+': return res(x + y);
    case '-': return res(x - y);
    case '*': return res(x * y);
    case '/': if (y === 0) fail('division by zero'); return res(Math.trunc(x / y));
    case '%': if (y === 0) fail('division by zero'); return res(x % y);
    case '<<': return res(x * 2 ** y);
    case '>>': return res(Math.floor(x / 2 ** y));
    case '<': return int(x < y ? 1 : 0, 'int');
    case '<=': return int(x <= y ? 1 : 0, 'int');
    case '>': return int(x > y ? 1 : 0, 'int');
    case '>=': return int(x >= y ? 1 : 0, 'int');
    case '==': return int(x === y ? 1 : 0, 'int');
    case '!=': return int(x !== y ? 1 : 0, 'int');
    case '&&': return int(x && y ? 1 : 0, 'int');
    case '||': return int(x || y ? 1 : 0, 'int');
    case '&': return res(Number(BigInt(x) & BigInt(y)));
    case '|': return res(Number(BigInt(x) | BigInt(y)));
    case '^': return res(Number(BigInt(x) ^ BigInt(y)));
  }
  fail(`unknown operator '${op}'`);
}

function elemPtr(p: KVal, d: number, fail: (why: string) => never): KVal {
  if (p.t === 'array') {
    const at = p.at;
    const len = p.length;
    return { t: 'ptr', addr: p.addr + d * p.elemSize, ctype: p.ctype.replace(/\s*\[\d+\]$/, ' *'), elemSize: p.elemSize, target: () => (d >= 0 && d < len ? at(d) : fail(`index ${d} is outside [0, ${len})`)), elem: (i) => (d + i >= 0 && d + i < len ? at(d + i) : fail(`index ${d + i} is outside [0, ${len})`)) };
  }
  if (p.t !== 'ptr' || !p.elem) fail(`cannot move a ${p.t === 'ptr' ? p.ctype : p.t} by elements`);
  const elem = p.elem;
  return { t: 'ptr', addr: p.addr + d * (p.elemSize ?? 1), ctype: p.ctype, elemSize: p.elemSize, target: () => elem(d), elem: (i) => elem(d + i) };
}

function deref(v: KVal, i: number, fail: (why: string) => never): KVal {
  if (v.t === 'array') {
    if (i < 0 || i >= v.length) fail(`index ${i} is outside [0, ${v.length})`);
    return v.at(i);
  }
  if (v.t === 'ptr') {
    if (v.addr === 0) fail('dereferencing NULL');
    if (i === 0 && v.target) return v.target();
    if (v.elem) return v.elem(i);
    fail(`cannot dereference ${v.ctype}: the model keeps no memory behind it`);
  }
  fail(`${show(v)} is not a pointer or an array`);
}

function addressOf(v: KVal, fail: (why: string) => never): KVal {
  if (v.t === 'struct') return { t: 'ptr', addr: v.addr, ctype: `${v.ctype} *`, target: () => v };
  if (v.t === 'array') return { t: 'ptr', addr: v.addr, ctype: `${v.ctype.replace(/\s*\[\d+\]$/, '')} *`, elemSize: v.elemSize, target: () => v.at(0), elem: (i) => v.at(i) };
  fail('only structures and arrays in the kernel\'s memory have an address here');
}

function cast(v: KVal, ty: string): KVal {
  if (ty.endsWith('*')) {
    const n = v.t === 'int' ? v.v : v.t === 'str' ? 0 : v.addr;
    if (v.t === 'ptr') return { ...v, ctype: ty };
    return ptr(n, ty);
  }
  const info = TYPES[ty];
  const n = v.t === 'int' ? v.v : v.t === 'str' ? 0 : v.addr;
  if (!info) return int(n, ty);
  const bits = info.size * 8;
  let m = bits >= 53 ? n : ((n % 2 ** bits) + 2 ** bits) % 2 ** bits;
  if (!ty.startsWith('unsigned') && bits < 53 && m >= 2 ** (bits - 1)) m -= 2 ** bits;
  return int(m, info.ctype);
}

/** Evaluates `src` in `scope`; throws ExprError saying where it fails. */
export function evaluate(src: string, scope: Scope): KVal {
  if (!src.trim()) throw new ExprError(0, 'empty expression', src);
  return new Parser(src, scope).parse();
}

export { show, truthy };
