// Machine descriptions: what 2.4.0 cannot boot is refused up front with the field and the
// reason; what it only warns about boots.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { MachineError } from '../../src/engine/errors';
import { parseMachine, presetMachine } from '../../src/engine/machine';

const MiB = 1 << 20;
const base = [[0, 0x9fc00, 1], [MiB, 63 * MiB, 1]];

function refusal(raw: unknown): MachineError {
  try {
    parseMachine(raw);
  } catch (e) {
    if (e instanceof MachineError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseMachine refuses', () => {
  it('RAM ranges that overlap below max_low_pfn: free_bootmem_core would BUG()', () => {
    const e = refusal({ e820: [...base, [32 * MiB, 16 * MiB, 1]] });
    expect(e.field).toBe('machine.e820[2]');
    expect(e.reason).toMatch(/overlaps e820\[1\].*BUG\(\) in free_bootmem_core \(mm\/bootmem\.c\)/);
  });
  it('a map without RAM', () => {
    expect(refusal({ e820: [[0, 0x9fc00, 2], [MiB, 63 * MiB, 2]] }).reason).toMatch(/no usable RAM/);
  });
  it('fewer than two entries: copy_e820_map would ignore the map', () => {
    const e = refusal({ e820: [[0, 64 * MiB, 1]] });
    expect(e.field).toBe('machine.e820');
    expect(e.reason).toMatch(/fewer than two/);
  });
  it('negative sizes, fractions and numbers that do not parse, naming the exact field', () => {
    expect(refusal({ e820: [[0, 0x9fc00, 1], [MiB, -5, 1]] }).field).toBe('machine.e820[1][1]');
    expect(refusal({ e820: [[0, 0x9fc00, 1], [MiB, 1.5, 1]] }).field).toBe('machine.e820[1][1]');
    expect(refusal({ e820: [[0, 0x9fc00, 1], ['0xZZ', MiB, 1]] }).field).toBe('machine.e820[1][0]');
    expect(refusal({ e820: [[0, 0x9fc00, 1], [MiB, '64M', 1]] }).reason).toMatch(/not a number/);
    expect(refusal({ e820: [[0, 0x9fc00, 1], [MiB]] }).reason).toMatch(/\[addr, size, type\]/);
  });
  it('unknown keys, by name', () => {
    expect(refusal({ e820: base, hihgmem: true }).field).toBe('machine.hihgmem');
  });
  it('pae without highmem (HIGHMEM64G implies HIGHMEM)', () => {
    expect(refusal({ e820: base, pae: true }).field).toBe('machine.pae');
  });
  it('a kernel_end the memory cannot hold, or not above 1 MiB', () => {
    expect(refusal({ e820: base, kernel_end: 80 * MiB }).field).toBe('machine.kernel_end');
    expect(refusal({ e820: [[0, 0x9fc00, 1], [MiB, 2 * MiB, 1], [8 * MiB, 8 * MiB, 1]], kernel_end: 4 * MiB }).reason).toMatch(/not RAM/);
    expect(refusal({ e820: base, kernel_end: 0x80000 }).reason).toMatch(/not above 1 MiB/);
  });
  it('an unknown preset', () => {
    expect(() => presetMachine('pc-3m')).toThrow(/unknown preset "pc-3m"/);
  });
});

describe('parseMachine accepts', () => {
  it('"0x…" strings and the defaults of design.md', () => {
    const m = parseMachine({ e820: [['0x0', '0x9fc00', 1], ['0x100000', '0x3f00000', '1']] });
    expect(m).toMatchObject({ kernel_end: 0x300000, highmem: false, pae: false, pse: true });
    expect(m.e820[1]).toEqual({ addr: MiB, size: 0x3f00000, type: 1 });
  });
  it('RAM that overlaps only above what bootmem sees: 2.4.0 boots it', () => {
    const m = parseMachine({ e820: [[0, 0x9fc00, 1], [MiB, 2047 * MiB, 1], [1536 * MiB, 512 * MiB, 1]], highmem: true });
    const e = Engine.boot(m);
    expect(e.k.zones[2].size).toBe(0x80000 - 0x38000);
  });
  it('RAM beyond what the configuration maps boots with the kernel\'s warning', () => {
    const e = Engine.boot(parseMachine({ e820: [[0, 0x9fc00, 1], [MiB, 2047 * MiB, 1]] }));
    expect(e.k.log).toContain('Warning only 896MB will be used.');
  });
});
