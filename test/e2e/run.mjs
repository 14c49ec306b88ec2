// `npm run test:e2e`: the extension in a real VS Code. Builds the .vsix, installs code-server
// 4.139.1 and Node 24 into a cache outside the clone (once), installs the .vsix into a fresh
// profile, starts code-server on 127.0.0.1 and drives Debian's Chromium with playwright-core.
//
// Session 1 (trust off, English): UI tests, a screenshot each, in test/e2e/screenshots/.
// Session 2 (Restricted Mode, zh-cn): the extension-host suite (test/e2e/suite/) runs inside
// code-server's extension host via the runner extension; the harness reads its results back;
// the UI shows the commands in 简体中文 and still works in Restricted Mode.
// Session 3: `npm run try` as a person runs it (password login, walkthrough open, Ctrl-C).
//
// Options: --keep (keep the scratch dir), --no-package (reuse mm24-<version>.vsix),
// --session=N (run one session only, for debugging).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '../../scripts/e2e-setup.mjs';
import { buildSuite } from './build-suite.mjs';
import { exthostLog, prepareProfile } from './lib/profile.mjs';
import * as W from './lib/workbench.mjs';
import { viewsTests } from './views.mjs';
import { debugTests, linkingTests } from './debug.mjs';

const KEEP = process.argv.includes('--keep');
const ONLY = process.argv.find((a) => a.startsWith('--session='))?.slice(10); // 1, 2 or 3, for debugging
const SHOTS = join(S.REPO, 'test', 'e2e', 'screenshots');
const timings = {};
const results = [];

const now = () => performance.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
function log(msg) {
  process.stdout.write(`[e2e] ${msg}\n`);
}

async function phase(name, fn) {
  const t0 = now();
  const r = await fn();
  timings[name] = Math.round(now() - t0);
  log(`${name}: ${secs(timings[name])}`);
  return r;
}

let shots = 0;

/**
 * One UI test: runs `fn(snap)`; its screenshot is taken when the test calls `snap()` (at the
 * moment worth seeing), else at its end, whatever happened.
 */
async function test(page, name, fn) {
  const t0 = now();
  const shot = join(SHOTS, `${String(++shots).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.png`);
  let snapped = false;
  const snap = async () => {
    snapped = true;
    await page.screenshot({ path: shot });
  };
  let error;
  try {
    await fn(snap);
  } catch (e) {
    error = e;
  }
  const ms = Math.round(now() - t0);
  if (!snapped || error) await page.screenshot({ path: shot }).catch(() => undefined);
  results.push({ name, ok: !error, ms, screenshot: shot.slice(S.REPO.length + 1), error: error ? String(error.stack ?? error) : undefined });
  log(`${error ? 'FAIL' : 'ok  '} ${name} (${secs(ms)})${error ? `\n${error.stack ?? error}` : ''}`);
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function waitFor(cond, timeout, msg) {
  const deadline = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(msg);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function session1(cs, scratch, vsix) {
  const profile = prepareProfile(cs, join(scratch, 's1'), { 'security.workspace.trust.enabled': false }, vsix);
  writeFileSync(join(profile.workspace, 'bad-machine.json'), JSON.stringify({ e820: [[0, 654336, 1], [1048576, 15728640, 1]], highmem: 'yes' }, null, 2) + '\n');
  const port = await S.freePort();
  const server = await phase('session 1: code-server up', () => S.startCodeServer(cs, profile, { port, logFile: join(scratch, 's1-code-server.log') }));
  const browser = await W.launchBrowser(join(scratch, 's1-chromium'));
  try {
    const { page, errors } = await phase('session 1: workbench drawn', () => W.openWorkbench(browser, server.url, profile.workspace));

    await test(page, 'the extension activates and offers the walkthrough on first start', async (snap) => {
      await waitFor(() => /_doActivateExtension mm24\.mm24\b/.test(exthostLog(profile)), 60_000, 'the extension host log shows no activation of mm24.mm24');
      const toast = await W.waitForToast(page, 'Open the walkthrough', 30_000);
      await page.waitForTimeout(300);
      await snap();
      await toast.getByRole('button', { name: 'Open the walkthrough' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'mm-2.4-notes.md' }).waitFor({ timeout: 15_000 });
    });

    await test(page, 'its commands are listed in the palette', async (snap) => {
      const labels = await W.paletteEntries(page, 'mm24', snap);
      for (const l of ['mm24: Open the walkthrough', 'mm24: Boot a machine…']) assert(labels.some((x) => x.startsWith(l)), `palette lacks "${l}": ${JSON.stringify(labels)}`);
    });

    await test(page, 'Open the walkthrough opens the notes', async () => {
      await W.runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 });
      await W.runCommand(page, 'mm24: Open the walkthrough');
      await page.locator('.tabs-container .tab.active', { hasText: 'mm-2.4-notes.md' }).waitFor({ timeout: 15_000 });
      const lines = await W.waitForEditorLine(page, 0, '# mm');
      assert(lines[0] === '# mm' && lines[2] === '### linux v2.4', `unexpected first lines: ${JSON.stringify(lines.slice(0, 4))}`);
      assert(lines.includes('// mm/page_alloc.c'), 'the notes lack "// mm/page_alloc.c"');
    });

    await test(page, 'Boot a machine: pc-2g-highmem shows 2.4.0\'s figures', async () => {
      await W.runCommand(page, 'mm24: Boot a machine…');
      await W.pick(page, 'Boot a machine (Linux 2.4.0, run mode)', 'pc-2g-highmem');
      await W.maximizePanel(page);
      const lines = await W.waitForOutput(page, 'mm24', 'zone(2): 294912 pages.');
      for (const l of ['1152MB HIGHMEM available.', 'zone(0): 4096 pages.', 'zone(1): 225280 pages.', 'Free pages:      2061796kB (1179648kB HighMem)']) {
        assert(lines.some((x) => x.trimEnd() === l), `output lacks ${JSON.stringify(l)}`);
      }
      assert(lines.some((x) => x.trimEnd().endsWith('576*2048kB = 1179648kB)')), 'output lacks the HighMem show_free_areas line ending 576*2048kB = 1179648kB)');
      assert(lines.some((x) => /^Node 0, zone\s+HighMem(\s+0){9}\s+576$/.test(x.trimEnd())), 'output lacks the HighMem /proc/buddyinfo line');
    });

    await test(page, 'a bad machine file names the field and changes nothing', async (snap) => {
      await W.runCommand(page, 'mm24: Boot a machine…');
      await W.pick(page, 'Boot a machine (Linux 2.4.0, run mode)', 'Machine JSON file…');
      // code-server's own open dialog: a quick input holding a path.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      await input.fill(join(profile.workspace, 'bad-machine.json'));
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await W.waitForToast(page, 'Cannot boot bad-machine.json: field machine.highmem: expected true or false, got "yes"', 15_000);
      await page.waitForTimeout(300); // the toast's fade-in
      await snap();
      const lines = await W.waitForOutput(page, 'mm24', 'zone(2): 294912 pages.', 2_000);
      assert(lines.some((x) => x.startsWith('── pc-2g-highmem')), 'the output channel changed');
    });

    await viewsTests(page, { test, W, assert, log, timings, workspace: profile.workspace });

    if (errors.length) log(`page errors (not failures): ${errors.slice(0, 5).join(' | ')}`);

    const seedLines = readFileSync(join(S.REPO, 'media', 'walkthrough', 'mm-2.4-notes.md'), 'utf8').split('\n');
    await linkingTests(page, test, W, seedLines);
    await debugTests(page, test, W, seedLines);
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function session2(cs, scratch, vsix, suite) {
  const profile = prepareProfile(cs, join(scratch, 's2'), { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' }, vsix, ['runner', 'zh-cn-pack']);
  const resultsFile = join(scratch, 'ext-tests.json');
  const port = await S.freePort();
  const server = await phase('session 2: code-server up', () =>
    S.startCodeServer(cs, profile, {
      port,
      args: ['--locale', 'zh-cn'],
      env: { MM24_EXT_TESTS: suite, MM24_EXT_RESULTS: resultsFile },
      logFile: join(scratch, 's2-code-server.log'),
    }),
  );
  const browser = await W.launchBrowser(join(scratch, 's2-chromium'));
  try {
    const { page } = await phase('session 2: workbench drawn', () => W.openWorkbench(browser, server.url, profile.workspace));

    await test(page, 'Restricted Mode: the extension stays enabled', async () => {
      // The trust prompt: answer "No", as a cautious user would.
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      await dialog.locator('.monaco-button').filter({ hasNotText: /^(Yes|是)/ }).filter({ hasText: /trust|信任/i }).first().click();
      await page.locator('.statusbar-item', { hasText: /Restricted Mode|受限模式/ }).first().waitFor({ timeout: 15_000 });
      await waitFor(() => /_doActivateExtension mm24\.mm24\b/.test(exthostLog(profile)), 60_000, 'mm24.mm24 did not activate in Restricted Mode');
    });

    await test(page, 'extension-host suite passes in the real extension host', async () => {
      const deadline = Date.now() + 120_000;
      while (!existsSync(resultsFile)) {
        if (Date.now() > deadline) throw new Error(`no results in ${resultsFile} after 120 s; extension host log:\n${exthostLog(profile).slice(-3000)}`);
        await page.waitForTimeout(250);
      }
      const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
      if (r.error) throw new Error(`the suite did not load: ${r.error}`);
      timings['extension-host suite (inside)'] = r.ms;
      for (const t of r.results) log(`  ${t.ok ? 'ok  ' : 'FAIL'} [ext host] ${t.name} (${secs(t.ms)})${t.error ? `\n${t.error}` : ''}`);
      results.push(...r.results.map((t) => ({ ...t, name: `[ext host] ${t.name}` })));
      const failed = r.results.filter((t) => !t.ok);
      assert(r.results.length > 0, 'the suite ran no tests');
      assert(!failed.length, `${failed.length} extension-host test(s) failed`);
    });

    await test(page, '简体中文: commands and output in Chinese', async () => {
      const labels = await W.paletteEntries(page, 'mm24');
      for (const l of ['mm24: 打开导读', 'mm24: 启动一台机器…']) assert(labels.some((x) => x.startsWith(l)), `palette lacks "${l}": ${JSON.stringify(labels)}`);
      await W.runCommand(page, 'mm24: 启动一台机器…');
      await W.pick(page, '启动一台机器（Linux 2.4.0，运行模式）', 'pc-16m');
      await W.maximizePanel(page);
      const lines = await W.waitForOutput(page, 'mm24', 'zone(0): 4096 pages.');
      await page.waitForTimeout(300); // the palette's fade-out

      assert(lines.some((x) => x.startsWith('── pc-16m：启动日志（printk）──')), `no Chinese heading in the output:\n${lines.join('\n')}`);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** `npm run try` as a person runs it: the URL and password it prints, the walkthrough open, Ctrl-C. */
async function session3(scratch) {
  const child = spawn(process.execPath, [join(S.REPO, 'scripts', 'try.mjs'), '--no-package'], {
    cwd: S.REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const browser = await W.launchBrowser(join(scratch, 's3-chromium'));
  const page = browser.pages()[0] ?? (await browser.newPage());
  try {
    await test(page, 'npm run try: prints URL and password, opens the walkthrough, stops on Ctrl-C', async () => {
      await waitFor(() => /Ctrl-C stops it/.test(out) || child.exitCode !== null, 120_000, `npm run try printed no URL:\n${out}`);
      const url = out.match(/URL:\s+(\S+)/)?.[1];
      const password = out.match(/Password:\s+(\S+)/)?.[1];
      assert(url && password, `no URL or password in:\n${out}`);
      assert(new URL(url).hostname === '127.0.0.1', `not bound to 127.0.0.1: ${url}`);
      const anon = await fetch(url, { redirect: 'manual' });
      assert(anon.status === 302 && /\/login/.test(anon.headers.get('location') ?? ''), `without the password the server answered ${anon.status}`);
      await page.goto(url);
      await page.locator('input[type=password]').fill(password);
      await page.keyboard.press('Enter');
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
      await page.locator('.tabs-container .tab.active', { hasText: 'mm-2.4-notes.md' }).waitFor({ timeout: 30_000 });
      await W.waitForEditorLine(page, 0, '# mm', 60_000);
      const workspace = new URL(url).searchParams.get('folder');
      child.kill('SIGINT');
      const { code } = await Promise.race([exited, new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 15_000).unref())]);
      assert(code === 0, `npm run try did not stop cleanly on Ctrl-C (exit ${code}):\n${out}`);
      assert(!existsSync(workspace), `npm run try left ${workspace} behind`);
    });
  } finally {
    await browser.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function main() {
  const t0 = now();
  if (!existsSync(W.CHROMIUM)) throw new Error(`no Chromium at ${W.CHROMIUM}: apt-get install chromium (or set MM24_E2E_CHROMIUM)`);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const vsix = process.argv.includes('--no-package') && S.findVsix() ? S.findVsix() : await phase('package (.vsix)', () => S.buildVsix());
  const cs = await phase('code-server + Node 24 (install or cache hit)', () => S.ensureCodeServerInstalled());
  const suite = await phase('bundle extension-host suite', () => buildSuite());
  const scratch = mkdtempSync(join(tmpdir(), 'mm24-e2e-'));
  log(`scratch: ${scratch}`);
  try {
    if (!ONLY || ONLY === '1') await phase('session 1 (UI tests)', () => session1(cs, scratch, vsix));
    if (!ONLY || ONLY === '2') await phase('session 2 (Restricted Mode, zh-cn, extension-host suite)', () => session2(cs, scratch, vsix, suite));
    if (!ONLY || ONLY === '3') await phase('session 3 (npm run try)', () => session3(scratch));
  } finally {
    // Kept on failure: the code-server logs and the extension host's log are in there.
    if (KEEP || results.some((r) => !r.ok)) log(`kept ${scratch} (code-server logs: s*-code-server.log, s*/user-data/logs/)`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  timings.total = Math.round(now() - t0);
  writeFileSync(join(SHOTS, 'report.json'), JSON.stringify({ timings, results }, null, 2) + '\n');
  const failed = results.filter((r) => !r.ok);
  log(`${results.length - failed.length}/${results.length} passed in ${secs(timings.total)}; screenshots and report.json in ${SHOTS.slice(S.REPO.length + 1)}/`);
  if (failed.length) {
    log(`failed: ${failed.map((r) => r.name).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
