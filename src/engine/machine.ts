// The machine a boot runs on: the BIOS E820 map, where the kernel image ends, and the
// kernel configuration (NOHIGHMEM, HIGHMEM4G, HIGHMEM64G/PAE; PSE). Presets, and parsing of
// the JSON description of design.md with an error naming the field for anything 2.4.0
// could not boot from.

import { MachineError } from './errors';
import { E820MAX, E820_RAM, type E820Entry } from './include/e820';
import { HIGH_MEMORY, MAXMEM_PFN, MAX_NONPAE_PFN, PAGE_SIZE, PFN_DOWN, PFN_UP } from './include/page';

/** Addresses of the kernel image, for the `Memory:` line of mem_init. */
export interface KernelImage {
  text: number;
  etext: number;
  edata: number;
  init_begin: number;
  init_end: number;
}

export interface Machine {
  name: string;
  e820: E820Entry[];
  /** Physical address of `_end`. */
  kernel_end: number;
  kernel: KernelImage;
  /** CONFIG_HIGHMEM (HIGHMEM4G, or HIGHMEM64G with pae). */
  highmem: boolean;
  /** CONFIG_X86_PAE (HIGHMEM64G). */
  pae: boolean;
  /** The CPU has PSE: 4 MB (2 MB with PAE) pages for the direct map. */
  pse: boolean;
}

const MiB = 1 << 20;
const GiB = 1024 * MiB;

/**
 * The default image layout when a description gives none: loaded at 1 MiB, then 50 % code,
 * 12 % data, 10 % init sections of the span up to `_end` (the rest is bss), page-rounded.
 */
export function defaultKernelImage(kernel_end: number): KernelImage {
  const span = Math.max(0, kernel_end - HIGH_MEMORY);
  const pages = (f: number): number => Math.floor((span * f) / PAGE_SIZE) * PAGE_SIZE;
  const text = HIGH_MEMORY;
  const etext = text + pages(0.5);
  const edata = etext + pages(0.12);
  const init_begin = edata;
  const init_end = init_begin + pages(0.1);
  return { text, etext, edata, init_begin, init_end };
}

function pcMap(ramTop: number, extra: E820Entry[] = []): E820Entry[] {
  return [
    { addr: 0, size: 0x9fc00, type: 1 },
    { addr: 0x9fc00, size: 0x400, type: 2 },
    { addr: 0xf0000, size: 0x10000, type: 2 },
    { addr: MiB, size: ramTop - MiB, type: 1 },
    ...extra,
  ];
}

function preset(name: string, e820: E820Entry[], highmem: boolean, pae = false): Machine {
  return { name, e820, kernel_end: 0x300000, kernel: defaultKernelImage(0x300000), highmem, pae, pse: true };
}

const belowFourGiB = (): E820Entry[] =>
  pcMap(3584 * MiB, [{ addr: 3584 * MiB, size: 512 * MiB, type: 2 }]);

/** The presets: each a PC with the 640 KiB hole and the BIOS area reserved, `_end` at 3 MiB. */
export const PRESETS: Readonly<Record<string, () => Machine>> = {
  'pc-16m': () => preset('pc-16m', pcMap(16 * MiB), false),
  'pc-64m': () => preset('pc-64m', pcMap(64 * MiB), false),
  'pc-512m': () => preset('pc-512m', pcMap(512 * MiB), false),
  'pc-896m': () => preset('pc-896m', pcMap(896 * MiB), false),
  'pc-1g-nohighmem': () => preset('pc-1g-nohighmem', pcMap(GiB), false),
  'pc-2g-highmem': () => preset('pc-2g-highmem', pcMap(2 * GiB), true),
  'pc-4g-highmem': () =>
    preset('pc-4g-highmem', [...belowFourGiB(), { addr: 4 * GiB, size: 512 * MiB, type: 1 }], true),
  'pae-16g': () =>
    preset('pae-16g', [...belowFourGiB(), { addr: 4 * GiB, size: 12800 * MiB, type: 1 }], true, true),
};

export const PRESET_NAMES = Object.keys(PRESETS);

export function presetMachine(name: string): Machine {
  const make = PRESETS[name];
  if (!make) throw new MachineError('machine', `unknown preset "${name}"; presets: ${PRESET_NAMES.join(', ')}`);
  return make();
}

const U64_MAX = 2n ** 64n - 1n;

/** A JSON integer or a "0x…"/decimal string, as a non-negative integer below 2^53. */
function parseNumber(v: unknown, field: string): number {
  let n: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new MachineError(field, `${v} is not an integer`);
    if (v < 0) throw new MachineError(field, `${v} is negative`);
    n = BigInt(v);
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^-/.test(s)) throw new MachineError(field, `"${v}" is negative`);
    if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)) throw new MachineError(field, `"${v}" is not a number (use an integer or "0x…")`);
    n = BigInt(s);
  } else {
    throw new MachineError(field, `expected a number or a "0x…" string, got ${JSON.stringify(v)}`);
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new MachineError(field, `${v} is too large (the model handles up to 2^53)`);
  return Number(n);
}

function parseBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new MachineError(field, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

const MACHINE_KEYS = ['name', 'e820', 'kernel_end', 'kernel', 'highmem', 'pae', 'pse'];
const KERNEL_KEYS: (keyof KernelImage)[] = ['text', 'etext', 'edata', 'init_begin', 'init_end'];

/** Parses and validates a machine description object (design.md's `machine`). */
export function parseMachine(raw: unknown, where = 'machine'): Machine {
  if (typeof raw === 'string') return presetMachine(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MachineError(where, 'expected an object with "e820" (or a preset name)');
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!MACHINE_KEYS.includes(key)) throw new MachineError(`${where}.${key}`, `unknown key; allowed: ${MACHINE_KEYS.join(', ')}`);
  }
  if (!('e820' in o)) throw new MachineError(`${where}.e820`, 'missing: the BIOS E820 map is required');
  if (!Array.isArray(o.e820)) throw new MachineError(`${where}.e820`, 'expected an array of [addr, size, type]');
  const e820 = o.e820.map((entry, i): E820Entry => {
    const f = `${where}.e820[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 3) throw new MachineError(f, 'expected [addr, size, type]');
    const addr = parseNumber(entry[0], `${f}[0]`);
    const size = parseNumber(entry[1], `${f}[1]`);
    const type = parseNumber(entry[2], `${f}[2]`);
    if (BigInt(addr) + BigInt(size) > U64_MAX) {
      throw new MachineError(f, 'addr + size overflows 64 bits: 2.4.0 (copy_e820_map) would ignore the whole map');
    }
    if (type > 0xffffffff) throw new MachineError(`${f}[2]`, 'type must fit in 32 bits');
    return { addr, size, type };
  });
  if (e820.length < 2) {
    throw new MachineError(`${where}.e820`, `has ${e820.length} entr${e820.length === 1 ? 'y' : 'ies'}: 2.4.0 (copy_e820_map) ignores a map of fewer than two and falls back to the BIOS-88/e801 size, which a description does not carry`);
  }
  const highmem = 'highmem' in o ? parseBool(o.highmem, `${where}.highmem`) : false;
  const pae = 'pae' in o ? parseBool(o.pae, `${where}.pae`) : false;
  const pse = 'pse' in o ? parseBool(o.pse, `${where}.pse`) : true;
  if (pae && !highmem) throw new MachineError(`${where}.pae`, 'pae (HIGHMEM64G) requires highmem: true');
  const kernel_end = 'kernel_end' in o ? parseNumber(o.kernel_end, `${where}.kernel_end`) : 0x300000;
  let kernel = defaultKernelImage(kernel_end);
  if ('kernel' in o) {
    const k = o.kernel;
    if (typeof k !== 'object' || k === null || Array.isArray(k)) throw new MachineError(`${where}.kernel`, 'expected an object');
    const kr = k as Record<string, unknown>;
    for (const key of Object.keys(kr)) {
      if (!(KERNEL_KEYS as string[]).includes(key)) throw new MachineError(`${where}.kernel.${key}`, `unknown key; allowed: ${KERNEL_KEYS.join(', ')}`);
    }
    kernel = { ...kernel };
    for (const key of KERNEL_KEYS) if (key in kr) kernel[key] = parseNumber(kr[key], `${where}.kernel.${key}`);
    let prev = 0;
    for (const key of KERNEL_KEYS) {
      if (kernel[key] < prev) throw new MachineError(`${where}.kernel.${key}`, `must not lie below the previous section (${KERNEL_KEYS.join(' ≤ ')} ≤ kernel_end)`);
      prev = kernel[key];
    }
    if (kernel.init_end > kernel_end) throw new MachineError(`${where}.kernel.init_end`, 'lies past kernel_end (_end)');
  }
  const name = 'name' in o ? String(o.name) : 'custom';
  const m: Machine = { name, e820, kernel_end, kernel, highmem, pae, pse };
  checkBootable(m, where);
  return m;
}

/** The RAM ranges exactly as copy_e820_map leaves them (640 KiB – 1 MiB cut out). */
function ramAfterFixup(e820: E820Entry[]): { addr: number; end: number; index: number }[] {
  const out: { addr: number; end: number; index: number }[] = [];
  let entries = 0; // add_memory_region drops what comes past E820MAX
  const add = (addr: number, end: number, type: number, index: number): void => {
    if (entries === E820MAX) return;
    entries++;
    if (type === E820_RAM) out.push({ addr, end, index });
  };
  e820.forEach((e, index) => {
    let start = e.addr;
    const end = e.addr + e.size;
    if (e.type === E820_RAM && start < 0x100000 && end > 0xa0000) {
      if (start < 0xa0000) add(start, 0xa0000, e.type, index);
      if (end <= 0x100000) return;
      start = 0x100000;
    }
    add(start, end, e.type, index);
  });
  return out;
}

/**
 * What would stop 2.4.0 before the buddy allocator exists, decided up front so that nothing
 * is booted from a description that cannot boot.
 */
function checkBootable(m: Machine, where: string): void {
  const ram = ramAfterFixup(m.e820);
  let max_pfn = 0;
  for (const r of ram) {
    const s = PFN_UP(r.addr);
    const e = PFN_DOWN(r.end);
    if (s < e && e > max_pfn) max_pfn = e;
  }
  if (max_pfn === 0) throw new MachineError(`${where}.e820`, 'holds no usable RAM (type 1) of a whole page');
  const max_low_pfn = Math.min(max_pfn, MAXMEM_PFN);
  if (m.highmem && !m.pae && max_pfn > MAX_NONPAE_PFN) max_pfn = MAX_NONPAE_PFN;
  // setup_arch frees each RAM range below max_low_pfn page by page; a page freed twice is a
  // BUG() in free_bootmem_core (mm/bootmem.c).
  const spans = ram
    .map((r) => ({ s: PFN_UP(r.addr), e: Math.min(PFN_DOWN(r.end), max_low_pfn), index: r.index }))
    .filter((r) => r.s < r.e)
    .sort((a, b) => a.s - b.s);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].s < spans[i - 1].e) {
      throw new MachineError(`${where}.e820[${spans[i].index}]`,
        `RAM overlaps e820[${spans[i - 1].index}] at page 0x${spans[i].s.toString(16)}: 2.4.0 would BUG() in free_bootmem_core (mm/bootmem.c) freeing that page twice`);
    }
  }
  if (m.kernel_end <= HIGH_MEMORY) {
    throw new MachineError(`${where}.kernel_end`, `0x${m.kernel_end.toString(16)} is not above 1 MiB, where the i386 kernel is loaded`);
  }
  const start_pfn = PFN_UP(m.kernel_end);
  const bootmap = (Math.floor((max_low_pfn + 7) / 8) + 3) & ~3;
  const reservedEnd = PFN_UP(start_pfn * PAGE_SIZE + bootmap + PAGE_SIZE - 1);
  if (reservedEnd > max_low_pfn) {
    throw new MachineError(`${where}.kernel_end`,
      `the kernel image and the bootmem bitmap end at page 0x${reservedEnd.toString(16)}, past low memory (max_low_pfn 0x${max_low_pfn.toString(16)}): 2.4.0 would BUG() in reserve_bootmem_core (mm/bootmem.c)`);
  }
  const covered = (pfn: number): boolean => spans.some((r) => r.s <= pfn && pfn < r.e);
  for (let pfn = PFN_DOWN(HIGH_MEMORY); pfn < reservedEnd; pfn++) {
    if (!covered(pfn)) {
      throw new MachineError(`${where}.kernel_end`,
        `page 0x${pfn.toString(16)} of the kernel image or the bootmem bitmap is not RAM: the memory cannot hold a kernel ending at 0x${m.kernel_end.toString(16)}`);
    }
  }
}
