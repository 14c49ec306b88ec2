// The debugger in the real VS Code (issue 6's "done when"): open the seed notes, set a
// breakpoint on `bitmap_size = (bitmap_size + 7) >> 3;`, press F5, and read bitmap_size, i and
// zone->size by hovering; the call stack and the Variables view show free_area_init_core.

const ROUNDING = 'bitmap_size = (bitmap_size + 7) >> 3;';

async function goToLine(page, W, n) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 5_000 });
    await page.keyboard.type(String(n));
    await page.locator('.quick-input-widget').filter({ hasText: String(n) }).first().waitFor({ timeout: 5_000 }).catch(() => {});
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const ok = await page.locator('.statusbar').filter({ hasText: `Ln ${n},` }).first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    if (ok) return;
  }
  throw new Error(`could not go to line ${n}`);
}

/** The screen point of the `nth` occurrence of `token` on editor line `n` (1-based). */
async function tokenPoint(page, n, token, nth = 0) {
  const num = page.locator('.editor-group-container.active .margin-view-overlays .line-numbers', { hasText: new RegExp(`^\\s*${n}\\s*$`) }).first();
  const box = await num.boundingBox();
  if (!box) throw new Error(`line ${n} is not on screen`);
  return page.locator('.editor-group-container.active .view-lines .view-line').evaluateAll((els, [y, token, nth]) => {
    const line = els.find((e) => Math.abs(e.getBoundingClientRect().top - y) < 3);
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let text = '';
    const nodes = [];
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      nodes.push({ node: t, start: text.length });
      text += t.textContent;
    }
    text = text.replace(/\u00a0/g, ' ');
    const re = new RegExp(`\\b${token}\\b`, 'g');
    const found = [...text.matchAll(re)][nth];
    if (!found) return null;
    const at = found.index;
    const mid = at + Math.floor(token.length / 2);
    const hit = nodes.filter((x) => x.start <= mid).pop();
    const range = document.createRange();
    range.setStart(hit.node, mid - hit.start);
    range.setEnd(hit.node, mid - hit.start + 1);
    const r = range.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, [box.y, token, nth]);
}

/** Hovers `token` on line `n` and returns the debug hover's text. */
async function hover(page, n, token, nth = 0) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const p = await tokenPoint(page, n, token, nth);
    if (!p) throw new Error(`"${token}" is not on line ${n}`);
    await page.mouse.move(p.x, p.y - 40);
    await page.waitForTimeout(150);
    await page.mouse.move(p.x, p.y);
    // The debugger's own hover (its value), not an editor hover on the same line.
    const widget = page.locator('.debug-hover-widget').filter({ hasText: /\S/ }).first();
    const text = await widget.waitFor({ state: 'visible', timeout: 4_000 }).then(() => widget.innerText(), () => '');
    if (text && !/loading/i.test(text)) return text.replace(/\s+/g, ' ').trim();
  }
  return '';
}

export async function debugTests(page, test, W, seedLines) {
  const line = seedLines.findIndex((l) => l.includes(ROUNDING)) + 1;
  const zoneSizeLine = seedLines.findIndex((l) => l.includes('if (zone->size) {')) + 1;
  const iLine = seedLines.findIndex((l) => l.includes('bitmap_size = size >> i;')) + 1;

  await test(page, 'F5 on the seed notes stops at the bitmap_size breakpoint; hovers read bitmap_size, i and zone->size', async (snap) => {
    await page.keyboard.press('Shift+F5'); // whatever session an earlier test left
    await W.runCommand(page, 'View: Hide Panel');
    await W.runCommand(page, 'View: Close All Editors');
    await W.runCommand(page, 'mm24: Open the walkthrough');
    await page.locator('.tabs-container .tab', { hasText: 'mm-2.4-notes.md' }).waitFor({ timeout: 15_000 });
    await goToLine(page, W, line);
    await page.keyboard.press('F9');
    await page.locator('.editor-group-container.active .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5');
    await page.locator('.debug-call-stack').filter({ hasText: 'free_area_init_core' }).first().waitFor({ timeout: 60_000 });
    const locals = page.locator('.debug-variables .monaco-list-row', { hasText: 'Locals of free_area_init_core' }).first();
    await locals.waitFor({ timeout: 15_000 });
    if ((await locals.getAttribute('aria-expanded')) !== 'true') await locals.click();
    await page.locator('.debug-variables').filter({ hasText: 'totalpages' }).first().waitFor({ timeout: 15_000 });
    const stack = (await page.locator('.debug-call-stack').first().textContent()) ?? '';
    for (const fn of ['free_area_init_core', 'paging_init', 'setup_arch', 'start_kernel']) {
      if (!stack.includes(fn)) throw new Error(`the call stack lacks ${fn}: ${stack}`);
    }
    const b = await hover(page, line, 'bitmap_size', 0);
    if (!/(^|\D)4096(\D|$)/.test(b)) throw new Error(`hovering bitmap_size shows "${b}", not 4096`);
    await snap();
    const i = await hover(page, iLine, 'i');
    if (!/(^|[^\d.])0(\D|$)/.test(i)) throw new Error(`hovering i shows "${i}", not 0`);
    await goToLine(page, W, zoneSizeLine);
    const z = await hover(page, zoneSizeLine, 'size');
    if (!/(^|\D)4096(\D|$)/.test(z)) throw new Error(`hovering zone->size shows "${z}", not 4096`);
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-call-stack').filter({ hasText: 'free_area_init_core' }).first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
  });
}

/** Linked lines and checked claims in the editor, outside a debug session. */
export async function linkingTests(page, test, W, seedLines) {
  const orderLine = seedLines.findIndex((l) => l.includes('表示分配 4 pages')) + 1;
  const fnLine = seedLines.findIndex((l) => l.trim() === 'free_area_init_core') + 1;
  await test(page, 'the notes show their links and checked claims: order 3 takes 8 pages, not 4', async (snap) => {
    await W.runCommand(page, 'View: Close All Editors');
    await W.runCommand(page, 'mm24: Open the walkthrough');
    await page.locator('.tabs-container .tab', { hasText: 'mm-2.4-notes.md' }).waitFor({ timeout: 15_000 });
    await goToLine(page, W, fnLine);
    await page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'Run to here' }).first().waitFor({ state: 'attached', timeout: 30_000 });
    await goToLine(page, W, orderLine);
    let text = '';
    for (let attempt = 0; attempt < 5 && !text.includes('takes 8 pages'); attempt++) {
      const p = await tokenPoint(page, orderLine, 'order');
      if (!p) throw new Error(`line ${orderLine} is not on screen`);
      await page.mouse.move(p.x, p.y - 40);
      await page.waitForTimeout(200);
      await page.mouse.move(p.x, p.y);
      const hover = page.locator('.monaco-hover').filter({ hasText: /\S/ }).first();
      text = await hover.waitFor({ state: 'visible', timeout: 5_000 }).then(() => hover.innerText(), () => '');
    }
    if (!text.includes('alloc_pages(GFP_KERNEL, 3) takes 8 pages')) throw new Error(`the claim's hover reads "${text}"`);
    await snap();
  });
}
