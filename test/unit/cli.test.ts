// The CLI (dist/cli.js, built by `npm test` before vitest runs): design.md's output contract,
// errors that name the field, and the shared bench workloads.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'mm24-cli-'));
const mm24 = (...args: string[]) => spawnSync('node', [cli, ...args], { encoding: 'utf8' });
const file = (name: string, value: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};

describe('mm24 run SCENARIO.json --json', () => {
  it('prints {boot, ops, final} exactly as 2.4.0 gives them for a golden workload', () => {
    const g = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'golden', 'pc-64m-workload.json'), 'utf8'));
    const out = JSON.parse(execFileSync('node', [cli, 'run', file('g.json', { machine: g.machine, ops: g.ops }), '--json'], { encoding: 'utf8' }));
    expect(Object.keys(out)).toEqual(['boot', 'ops', 'final']);
    expect(out).toEqual(g.expect);
  });
  it('takes a preset name, gfp names, and answers a rejected op with {"error"} and nothing changed', () => {
    const r = mm24('run', file('s.json', { machine: 'pc-64m', ops: [['alloc', 'GFP_KERNEL', 0], ['free', 4355, 1], ['alloc', 'GFP_NOPE', 0], ['free', 4355, 0], ['alloc', 'GFP_KERNEL', 10]] }), '--json');
    const out = JSON.parse(r.stdout);
    expect(out.ops[0]).toBe(4355);
    expect(out.ops[1].error).toMatch(/not aligned to order 1.*BUG\(\)/);
    expect(out.ops[2].error).toMatch(/unknown gfp name "GFP_NOPE"/);
    expect(out.ops.slice(3)).toEqual([null, null]);
    expect(out.final).toEqual(out.boot);
  });
  it('names the field of a bad machine description and exits 2', () => {
    const r = mm24('run', file('bad.json', { machine: { e820: [[0, 0x9fc00, 1], [0x100000, '-1', 1]] } }), '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/machine\.e820\[1\]\[1\]: "-1" is negative/);
    expect(mm24('run', file('broken.json', '{"machine": ')).stderr).toMatch(/not valid JSON/);
  });
});

describe('mm24 boot', () => {
  it('prints show_free_areas in 2.4.0\'s format', () => {
    const r = mm24('boot', '--machine', 'pc-2g-highmem', '--report', 'show_free_areas');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(-5)).toEqual([
      'Free pages:      2061796kB (1179648kB HighMem)',
      '( Active: 0, inactive_dirty: 0, inactive_clean: 0, free: 515449 (638 1276 1914) )',
      '2*4kB 2*8kB 3*16kB 3*32kB 3*64kB 2*128kB 2*256kB 1*512kB 0*1024kB 6*2048kB = 13928kB)',
      '1*4kB 1*8kB 1*16kB 1*32kB 1*64kB 0*128kB 1*256kB 1*512kB 1*1024kB 423*2048kB = 868220kB)',
      '0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 576*2048kB = 1179648kB)',
    ]);
  });
  it('labels /proc/buddyinfo as a later kernel\'s file', () => {
    const r = mm24('boot', '--machine', 'pc-64m', '--report', 'buddyinfo');
    expect(r.stdout).toMatch(/2\.4\.0 has none/);
    expect(r.stdout).toContain('Node 0, zone      DMA      3      2      3      3      3      2      2      1      0      6 ');
  });
  it('reads a machine file and reports a KernelBug with its file and function (exit 1)', () => {
    const r = mm24('boot', '--machine', file('huge.json', { e820: [[0, 0x9fc00, 1], [0x100000, 0xdff00000, 1], ['0x100000000', '0xf00000000', 1]], highmem: true, pae: true }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/kernel BUG at mm\/bootmem\.c, in __alloc_bootmem_core\(\)/);
  });
});

describe('mm24 check and mm24 bench', () => {
  it('checks the invariants after a scenario', () => {
    const r = mm24('check', file('c.json', { machine: 'pc-16m', ops: [['alloc', 7, 3], ['alloc', 7, 0]] }));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok: every invariant holds/);
  });
  it('runs the shared pairs workload: GFP_KERNEL order 0 on pc-64m always splits 4354 and returns 4355', () => {
    const out = JSON.parse(mm24('bench', '--machine', 'pc-64m', '--workload', 'pairs', '--ops', '1000', '--seed', '7').stdout);
    expect(out).toMatchObject({ workload: 'pairs', ops: 1000, checksum: 1000 * 4356 });
    expect(out.ns).toBeGreaterThan(0);
  });
  it('is deterministic on the mixed workload', () => {
    const a = JSON.parse(mm24('bench', '--machine', 'pc-16m', '--workload', 'mixed', '--ops', '20000', '--seed', '3').stdout);
    const b = JSON.parse(mm24('bench', '--machine', 'pc-16m', '--workload', 'mixed', '--ops', '20000', '--seed', '3').stdout);
    expect(a.checksum).toBe(b.checksum);
    expect(a.checksum).not.toBe(0);
  });
});
