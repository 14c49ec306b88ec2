// Driving the real workbench with playwright-core: Debian's Chromium, the command palette,
// quick picks, notifications, editors and the Output panel, read as a user reads them.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.MM24_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with its own profile folder (playwright gives each launch a fresh one). */
export async function launchBrowser(profileDir) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 860 },
    env: { ...process.env, XDG_CONFIG_HOME: `${profileDir}-xdg-config`, XDG_CACHE_HOME: `${profileDir}-xdg-cache` },
  });
}

/** Opens the workbench on `folder`; resolves once it is drawn and the extension host runs. */
export async function openWorkbench(context, url, folder) {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
  return { page, errors };
}

const quickInput = (page) => page.locator('.quick-input-widget');
const rows = (page) => page.locator('.quick-input-widget .monaco-list-row');

/** Labels of the palette entries matching `query`, as the palette lists them. */
export async function paletteEntries(page, query, beforeClose) {
  await openPalette(page);
  await page.keyboard.type(query);
  // The list filters as one types: wait until every row matches the query.
  await page.waitForFunction(
    (q) => {
      const r = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')];
      return r.length > 0 && r.every((e) => (e.getAttribute('aria-label') ?? '').toLowerCase().includes(q));
    },
    query.toLowerCase(),
    { timeout: 15_000 },
  );
  const labels = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  if (beforeClose) await beforeClose();
  await page.keyboard.press('Escape');
  return labels;
}

async function openPalette(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await quickInput(page).waitFor({ state: 'visible', timeout: 10_000 });
}

/** Runs a command by its palette label (category: title), exactly as a user would. */
export async function runCommand(page, label) {
  await openPalette(page);
  await page.keyboard.type(label);
  const row = rows(page).and(page.locator(`[aria-label^=${JSON.stringify(label)}]`)).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Picks the quick-pick item whose label is `label` in an open quick pick titled `title`. */
export async function pick(page, title, label) {
  await quickInput(page).getByText(title).waitFor({ timeout: 15_000 });
  await page.keyboard.type(label);
  const row = rows(page).filter({ hasText: label }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

/** The text of the toasts currently shown. */
export const toasts = (page) => page.locator('.notifications-toasts');

export async function waitForToast(page, text, timeout = 30_000) {
  const t = toasts(page).locator('.notification-toast').filter({ hasText: text }).first();
  await t.waitFor({ timeout });
  return t;
}

export async function closeToasts(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Lines of the active editor (or of `scope`), in order, as Monaco renders them. */
export async function editorLines(page, scope = '.editor-group-container.active .editor-instance') {
  return page.locator(`${scope} .view-lines .view-line`).evaluateAll((els) =>
    els
      .map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent.replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
}

/** Waits until line `index` of the active editor reads `text`; returns the lines. */
export async function waitForEditorLine(page, index, text, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const lines = await editorLines(page);
    if (lines[index] === text) return lines;
    if (Date.now() > deadline) throw new Error(`line ${index + 1} of the editor is not ${JSON.stringify(text)}: ${JSON.stringify(lines.slice(0, 5))}`);
    await page.waitForTimeout(200);
  }
}

const OUTPUT = "[id='workbench.panel.output']";

/** Maximises the panel, so that the Output view renders the whole of a short channel. */
export async function maximizePanel(page) {
  const maximized = await page.locator('.monaco-workbench').evaluate((e) => e.classList.contains('maximized-panel') || !!document.querySelector('.part.panel.maximized'));
  if (!maximized) await runCommand(page, 'View: Toggle Maximized Panel');
}

/** Waits until the Output view shows `channel` with a line equal to `line`; returns its lines. */
export async function waitForOutput(page, channel, line, timeout = 30_000) {
  await page.locator(OUTPUT).waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  let lines = [];
  for (;;) {
    lines = await editorLines(page, OUTPUT);
    const selected = await page.locator(`${OUTPUT}, .part.panel`).locator('select.monaco-select-box').first().evaluate((s) => s.options[s.selectedIndex]?.text ?? '').catch(() => '');
    if (lines.some((l) => l.trimEnd() === line) && (!selected || selected === channel)) return lines;
    if (Date.now() > deadline) throw new Error(`Output "${channel}" did not show ${JSON.stringify(line)}; channel "${selected}", lines:\n${lines.join('\n')}`);
    await page.waitForTimeout(200);
  }
}
