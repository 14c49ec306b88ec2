// @ts-check
// The memory map's webview controller (after mapView.js): the messages of src/views/protocol.ts
// with the host, zoom and scroll (wheel, Ctrl+wheel, double-click, keys, buttons), following
// the block the current statement touches, the hover that tells what a page is, and the view
// state kept across reloads with getState/setState.

/** @typedef {import('../../src/views/protocol').ToMap} ToMap */
/** @typedef {import('../../src/views/protocol').FromMap} FromMap */
/** @typedef {import('../../src/views/protocol').MapStrings} MapStrings */
/** @typedef {{ s: number, topPage: number, follow: boolean, auto: boolean, machine?: string }} ViewState */

(function () {
  /** @type {{ postMessage(m: FromMap): void, getState(): ViewState | undefined, setState(s: ViewState): void }} */
  const vscode = /** @type {any} */ (globalThis).acquireVsCodeApi();
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const canvas = /** @type {HTMLCanvasElement} */ ($('map'));
  const tip = $('tip');
  const follow = /** @type {HTMLInputElement} */ ($('follow'));
  /** @type {MapStrings} */
  const S = JSON.parse(document.body.dataset.strings || '{}');
  const view = new MapView(canvas);

  const saved = vscode.getState();
  view.s = saved ? saved.s : 0;
  view.topPage = saved ? saved.topPage : 0;
  follow.checked = saved ? saved.follow : true;
  /** Fit the whole machine until the reader zooms or scrolls. */
  let auto = saved ? saved.auto : true;
  const save = () => vscode.setState({ s: view.s, topPage: view.topPage, follow: follow.checked, auto, machine: view.meta?.machine });

  function draw() {
    const ms = view.draw();
    if (!view.meta) return;
    const pc = view.perCell;
    $('scale').textContent = pc > 1 ? S.perCell.replace('{0}', String(pc)) : `${view.cellPx} px / ${S.page.replace('{0}', '').trim()}`;
    vscode.postMessage({ type: 'drawn', seq: view.meta.seq, ms, pages: view.pages.length });
  }

  // ---- zoom and scroll ----
  function zoomTo(/** @type {number} */ next, /** @type {number} */ anchor) {
    auto = false;
    const rowsAbove = Math.floor((anchor - view.topPage) / view.pagesPerRow);
    view.s = Math.max(MIN_SCALE, Math.min(24, next));
    view.topPage = anchor - rowsAbove * view.pagesPerRow;
    save();
    draw();
  }
  const centre = () => Math.max(0, view.pageAt(MAP_GUTTER + 1, Math.floor(canvas.height / 2)));
  /** Brings pfn into view, a third from the top, when it is not. */
  function bringIntoView(/** @type {number} */ pfn) {
    const row = Math.floor((pfn - view.topPage) / view.pagesPerRow);
    if (row >= 0 && row < view.visibleRows) return;
    view.topPage = pfn - Math.floor(view.visibleRows / 3) * view.pagesPerRow;
    save();
  }
  function scrollRows(/** @type {number} */ rows) {
    auto = false;
    view.topPage += rows * view.pagesPerRow;
    save();
    draw();
  }

  $('zoomIn').addEventListener('click', () => zoomTo(view.s - 1, centre()));
  $('zoomOut').addEventListener('click', () => zoomTo(view.s + 1, centre()));
  $('fit').addEventListener('click', () => {
    auto = true;
    view.fit();
    save();
    draw();
  });
  $('current').addEventListener('click', () => {
    const t = view.meta?.touched[0];
    if (!t) return;
    zoomTo(MIN_SCALE, t.pfn);
    view.topPage = t.pfn - Math.floor(view.visibleRows / 3) * view.pagesPerRow;
    save();
    draw();
  });
  follow.addEventListener('change', save);
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    if (ev.ctrlKey || ev.metaKey) {
      const p = view.pageAt(Math.max(MAP_GUTTER, ev.offsetX), ev.offsetY);
      zoomTo(view.s + (ev.deltaY > 0 ? 1 : -1), p < 0 ? view.topPage : p);
    } else scrollRows(Math.sign(ev.deltaY) * Math.max(1, Math.round(Math.abs(ev.deltaY) / view.cellPx / 4)));
  }, { passive: false });
  canvas.addEventListener('dblclick', (ev) => {
    const p = view.pageAt(ev.offsetX, ev.offsetY);
    if (p >= 0) zoomTo(view.s - 2, p);
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === '+' || ev.key === '=') zoomTo(view.s - 1, centre());
    else if (ev.key === '-') zoomTo(view.s + 1, centre());
    else if (ev.key === '0') $('fit').click();
    else if (ev.key === 'PageDown' || ev.key === 'PageUp') scrollRows((ev.key === 'PageDown' ? 1 : -1) * view.visibleRows);
  });

  // ---- hover: the cell's states at once, the host's description of its page after ----
  let hoverPfn = -1;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let describeTimer;
  canvas.addEventListener('mousemove', (ev) => {
    const p = view.pageAt(ev.offsetX, ev.offsetY);
    const meta = view.meta;
    if (p < 0 || !meta) {
      tip.hidden = true;
      return;
    }
    const end = Math.min(view.pages.length, p + view.perCell);
    /** @type {Map<number, number>} */ const hist = new Map();
    for (let q = p; q < end; q++) hist.set(view.pages[q] & STATE, (hist.get(view.pages[q] & STATE) ?? 0) + 1);
    const best = view.cellState(p, end);
    const many = end - p > 1;
    const head = many ? S.pages.replace('{0}', String(p)).replace('{1}', String(end - 1)) : S.page.replace('{0}', String(p));
    const lines = [...hist].sort((a, b) => b[1] - a[1]).map(([code, n]) => (many ? `${view.label[code]}: ${n}` : view.label[code]));
    const touched = meta.touched.some((t) => t.pfn < end && p < t.pfn + t.pages);
    tip.textContent = [head, ...lines, ...(touched ? [S.touched] : [])].join('\n');
    tip.hidden = false;
    tip.style.left = `${Math.min(ev.offsetX + 14, canvas.width - 320)}px`;
    tip.style.top = `${ev.offsetY + 14}px`;
    let target = p;
    while (target < end && (view.pages[target] & STATE) !== best) target++;
    if (target !== hoverPfn) {
      hoverPfn = target;
      clearTimeout(describeTimer);
      describeTimer = setTimeout(() => vscode.postMessage({ type: 'describe', pfn: target }), 60);
    }
  });
  canvas.addEventListener('mouseleave', () => {
    tip.hidden = true;
    hoverPfn = -1;
  });

  // ---- size, theme, messages ----
  function resize() {
    const wrap = $('wrap');
    canvas.width = Math.max(MAP_GUTTER + 16, wrap.clientWidth);
    canvas.height = Math.max(32, wrap.clientHeight);
    if (auto && view.pages.length) view.fit();
    draw();
  }
  new ResizeObserver(resize).observe($('wrap'));
  new MutationObserver(() => {
    view.resolveColors();
    view.drawLegend($('legend'));
    draw();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  window.addEventListener('message', (/** @type {MessageEvent<ToMap>} */ ev) => {
    const m = ev.data;
    switch (m.type) {
      case 'state': {
        const received = performance.now();
        const pages = m.pages instanceof Uint8Array ? m.pages : new Uint8Array(Object.values(m.pages));
        // A new machine is shown whole; the same one (also after the webview was reloaded) as it was.
        const first = view.meta ? view.meta.machine !== m.meta.machine || view.pages.length !== pages.length : saved?.machine !== m.meta.machine;
        view.pages = pages;
        view.meta = m.meta;
        $('caption').textContent = m.meta.caption;
        /** @type {HTMLButtonElement} */ ($('current')).disabled = !m.meta.touched.length;
        view.resolveColors();
        if (first || auto) view.fit();
        else if (follow.checked && m.meta.touched.length) bringIntoView(m.meta.touched[0].pfn);
        view.drawLegend($('legend'));
        draw();
        canvas.dataset.stateMs = (performance.now() - received).toFixed(1);
        break;
      }
      case 'empty':
        view.pages = new Uint8Array(0);
        view.meta = null;
        $('caption').textContent = S.noMachine;
        draw();
        break;
      case 'description':
        if (m.pfn === hoverPfn && !tip.hidden) tip.textContent = `${tip.textContent}\n—\n${m.lines.join('\n')}`;
        break;
      case 'reveal':
        view.flash = { pfn: m.pfn, pages: m.pages, kind: 'page' };
        view.flashUntil = Date.now() + 4000;
        if (view.perCell > Math.max(1, m.pages)) zoomTo(Math.max(MIN_SCALE, Math.ceil(Math.log2(Math.max(1, m.pages)))), m.pfn);
        bringIntoView(m.pfn);
        draw();
        setTimeout(draw, 4100);
        break;
    }
  });
  resize();
  vscode.postMessage({ type: 'ready' });
})();
