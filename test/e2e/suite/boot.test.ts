// "Boot a machine…" driven through the command with an argument (a preset name or a file
// Uri), as a walkthrough link would: the report it returns is what the output channel shows.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';

interface BootReport {
  machine: string;
  log: string[];
  show_free_areas: string[];
  buddyinfo: string[];
}

const boot = (arg: string | vscode.Uri): Thenable<BootReport | undefined> => vscode.commands.executeCommand<BootReport | undefined>('mm24.bootMachine', arg);

/** Runs `fn` with a `file(name, content)` that writes into a temporary folder, removed after. */
async function withFiles(fn: (file: (name: string, content: unknown) => vscode.Uri) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mm24-suite-'));
  try {
    await fn((name, content) => {
      const p = join(dir, name);
      writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
      return vscode.Uri.file(p);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('pc-2g-highmem boots with 2.4.0\'s figures (HIGHMEM4G: 1152 MB above 896 MB)', async () => {
  const r = await boot('pc-2g-highmem');
  assert.ok(r, 'no report');
  assert.equal(r.machine, 'pc-2g-highmem');
  for (const line of ['1152MB HIGHMEM available.', 'On node 0 totalpages: 524288', 'zone(0): 4096 pages.', 'zone(1): 225280 pages.', 'zone(2): 294912 pages.']) {
    assert.ok(r.log.includes(line), `boot log lacks ${JSON.stringify(line)}:\n${r.log.join('\n')}`);
  }
  assert.equal(r.show_free_areas[0], 'Free pages:      2061796kB (1179648kB HighMem)');
  assert.equal(r.show_free_areas.at(-1), '0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 576*2048kB = 1179648kB)');
  assert.deepEqual(r.buddyinfo.map((l) => l.trim().split(/\s+/).slice(4).map(Number)), [
    [2, 2, 3, 3, 3, 2, 2, 1, 0, 6],
    [1, 1, 1, 1, 1, 0, 1, 1, 1, 423],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 576],
  ]);
});

test('every preset the quick pick offers boots', async () => {
  for (const name of ['pc-16m', 'pc-64m', 'pc-512m', 'pc-896m', 'pc-1g-nohighmem', 'pc-2g-highmem', 'pc-4g-highmem', 'pae-16g']) {
    const r = await boot(name);
    assert.ok(r && r.machine === name, `${name} did not boot`);
    assert.ok(r.log.some((l) => l.startsWith('Memory: ')), `${name}: no Memory: line`);
  }
});

test('a machine file boots; a scenario file boots its machine', () => withFiles(async (file) => {
  const m = await boot(file('m.json', { e820: [[0, '0x9fc00', 1], ['0x9fc00', 1024, 2], ['0x100000', 15 * 1048576, 1]] }));
  assert.ok(m, 'machine file did not boot');
  assert.equal(m.machine, 'm.json');
  assert.ok(m.log.includes('zone(0): 4096 pages.'), m.log.join('\n'));
  const s = await boot(file('s.json', { machine: 'pc-64m', ops: [] }));
  assert.equal(s?.machine, 'pc-64m');
}));

test('refused input changes nothing and resolves to undefined', () => withFiles(async (file) => {
  assert.equal(await boot(file('bad.json', '{"e820": [')), undefined);
  assert.equal(await boot(file('field.json', { e820: [[0, 654336, 1], [1048576, 1048576, 1]], highmem: 'yes' })), undefined);
  assert.equal(await boot('pc-3g'), undefined);
}));
