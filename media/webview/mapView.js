// @ts-check
// The memory map's drawing (loaded before map.js): one state byte per page frame laid out as a
// grid of cells, a power of two pages per row so buddy blocks line up, from the whole machine
// (many pages a cell: the cell shows its most significant state) down to 16 px a page; zone
// boundaries and the 896 MB line; the blocks the current statement touched outlined; the
// legend with page counts. Theme colours come from VS Code's CSS variables.

/** @typedef {import('../../src/views/protocol').MapMeta} MapMeta */
/** @typedef {import('../../src/views/protocol').TouchedBlock} TouchedBlock */

const MAP_GUTTER = 96;
/** The finest scale: 2^4 = 16 px a page. */
const MIN_SCALE = -4;
/** BLOCK_HEAD and the state bits of protocol.ts. */
const HEAD = 0x80;
const STATE = 0x7f;

const css = (/** @type {string} */ name, /** @type {string} */ fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
const mix = (/** @type {number[]} */ a, /** @type {number[]} */ b, /** @type {number} */ t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));
/** RGBA as one little-endian word of ImageData. */
const pack = (/** @type {number[]} */ c) => ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;

class MapView {
  constructor(/** @type {HTMLCanvasElement} */ canvas) {
    this.canvas = canvas;
    this.ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    /** @type {Uint8Array} */ this.pages = new Uint8Array(0);
    /** @type {MapMeta | null} */ this.meta = null;
    /** log2(pages per pixel): below 0 a page is 2^-s px wide. */
    this.s = 0;
    /** The first page of the top row. */
    this.topPage = 0;
    this.drawn = 0;
    /** @type {TouchedBlock | null} */ this.flash = null;
    this.flashUntil = 0;
    // Per state: priority (a cell of several pages shows the highest), colour, edge colour, label.
    this.prio = new Uint8Array(256);
    this.color = new Uint32Array(256);
    this.edge = new Uint32Array(256);
    /** @type {string[]} */ this.label = [];
    this.background = 0;
    this.probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  }

  /** A CSS colour (a theme variable) as [r, g, b]. */
  rgb(/** @type {string} */ cssVar) {
    const p = this.probe;
    if (!p) return [128, 128, 128];
    p.clearRect(0, 0, 1, 1);
    p.fillStyle = css(cssVar, '#808080');
    p.fillRect(0, 0, 1, 1);
    const d = p.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]];
  }

  resolveColors() {
    if (!this.meta) return;
    const bg = this.rgb('--vscode-editor-background');
    this.background = pack(bg);
    for (const e of this.meta.legend) {
      let c = this.rgb(e.color);
      if (e.color2) c = mix(c, this.rgb(e.color2), e.mix ?? 0.5);
      if (e.fade) c = mix(c, bg, e.fade);
      this.color[e.code] = pack(c);
      this.edge[e.code] = pack(mix(c, [0, 0, 0], 0.45));
      this.prio[e.code] = e.priority;
      this.label[e.code] = e.label;
    }
  }

  // ---- layout ----
  get cellPx() { return this.s < 0 ? 2 ** -this.s : 1; }
  get perCell() { return this.s > 0 ? 2 ** this.s : 1; }
  get cols() { return 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, (this.canvas.width - MAP_GUTTER) / this.cellPx)))); }
  get pagesPerRow() { return this.cols * this.perCell; }
  get visibleRows() { return Math.max(1, Math.floor(this.canvas.height / this.cellPx)); }
  get totalRows() { return Math.ceil(this.pages.length / this.pagesPerRow); }

  /** The finest scale that shows the whole machine. */
  fit() {
    for (this.s = MIN_SCALE; this.s < 24 && this.totalRows > this.visibleRows; this.s++);
    this.topPage = 0;
  }

  clampTop() {
    const ppr = this.pagesPerRow;
    const maxTop = Math.max(0, (this.totalRows - this.visibleRows) * ppr);
    this.topPage = Math.max(0, Math.min(maxTop, Math.floor(this.topPage / ppr) * ppr));
  }

  /** The page at canvas point (x, y), or -1. */
  pageAt(/** @type {number} */ x, /** @type {number} */ y) {
    if (x < MAP_GUTTER) return -1;
    const c = Math.floor((x - MAP_GUTTER) / this.cellPx), r = Math.floor(y / this.cellPx);
    if (c >= this.cols) return -1;
    const p = this.topPage + r * this.pagesPerRow + c * this.perCell;
    return p < this.pages.length ? p : -1;
  }

  /** The state a cell of pages [start, end) shows: the one of highest priority. */
  cellState(/** @type {number} */ start, /** @type {number} */ end) {
    const { pages, prio } = this;
    let best = pages[start] & STATE;
    for (let p = start + 1; p < end; p++) if (prio[pages[p] & STATE] > prio[best]) best = pages[p] & STATE;
    return best;
  }

  // ---- drawing ----
  /** Draws the visible rows; returns the milliseconds it took. */
  draw() {
    const t0 = performance.now();
    const { canvas, ctx, pages } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.meta || !pages.length) return 0;
    this.clampTop();
    const px = this.cellPx, pc = this.perCell, nc = this.cols, ppr = nc * pc, rows = this.visibleRows;
    const img = ctx.createImageData(Math.max(1, nc * px), Math.max(1, rows * px));
    const buf = new Uint32Array(img.data.buffer);
    const stride = nc * px;
    // From 4 px a page, a block's first page has a dark left edge; from 8 px, pages a gap.
    const gap = px >= 8 ? 1 : 0;
    let painted = 0;
    for (let r = 0; r < rows; r++) {
      const rowStart = this.topPage + r * ppr;
      if (rowStart >= pages.length) break;
      for (let c = 0; c < nc; c++) {
        const start = rowStart + c * pc;
        if (start >= pages.length) break;
        const best = this.cellState(start, Math.min(pages.length, start + pc));
        const rgba = best === 0 ? this.background : this.color[best];
        if (best !== 0) painted++;
        const edge = px >= 4 && pc === 1 && pages[start] & HEAD ? this.edge[best] : rgba;
        for (let y = 0, o = r * px * stride + c * px; y < px - gap; y++, o += stride) {
          buf.fill(rgba, o, o + px - gap);
          buf[o] = edge;
        }
      }
    }
    ctx.putImageData(img, MAP_GUTTER, 0);
    this.drawGutter(rows, ppr, px);
    this.drawMarks(ppr, px, pc);
    this.drawTouched(ppr, px, pc);
    const ms = performance.now() - t0;
    this.drawn++;
    Object.assign(canvas.dataset, { seq: String(this.meta.seq), drawMs: ms.toFixed(1), drawn: String(this.drawn), painted: String(painted), perCell: String(pc), cellPx: String(px) });
    return ms;
  }

  drawGutter(/** @type {number} */ rows, /** @type {number} */ ppr, /** @type {number} */ px) {
    const { ctx } = this;
    ctx.fillStyle = css('--vscode-editor-foreground', '#ccc');
    ctx.font = '10px var(--vscode-editor-font-family, monospace)';
    ctx.textBaseline = 'top';
    for (let r = 0, every = Math.max(1, Math.ceil(14 / px)); r < rows; r += every) {
      const p = this.topPage + r * ppr;
      if (p >= this.pages.length) break;
      ctx.fillText(`0x${(p * 4096).toString(16).padStart(8, '0')}`, 2, r * px);
    }
  }

  /** Cells of [pfn, pfn + n) as rectangles, one per visible row they span. */
  rects(/** @type {number} */ pfn, /** @type {number} */ n, /** @type {number} */ ppr, /** @type {number} */ px, /** @type {number} */ pc) {
    const out = [];
    const last = pfn + Math.max(1, n) - 1;
    for (let row = Math.floor((pfn - this.topPage) / ppr), end = Math.floor((last - this.topPage) / ppr); row <= end; row++) {
      if (row < 0 || row >= this.visibleRows) continue;
      const rowStart = this.topPage + row * ppr;
      const c0 = Math.floor((Math.max(pfn, rowStart) - rowStart) / pc);
      const c1 = Math.floor((Math.min(last, rowStart + ppr - 1) - rowStart) / pc);
      out.push({ x: MAP_GUTTER + c0 * px, y: row * px, w: (c1 - c0 + 1) * px, h: px });
    }
    return out;
  }

  drawMarks(/** @type {number} */ ppr, /** @type {number} */ px, /** @type {number} */ pc) {
    const { ctx, canvas } = this;
    const fg = css('--vscode-editor-foreground', '#ccc');
    ctx.lineWidth = 2;
    let labelY = -Infinity;
    for (const m of this.meta?.marks ?? []) {
      const row = Math.floor((m.pfn - this.topPage) / ppr);
      if (row < 0 || row > this.visibleRows) continue;
      const x = MAP_GUTTER + Math.floor((m.pfn - (this.topPage + row * ppr)) / pc) * px;
      const y = row * px;
      ctx.strokeStyle = fg;
      ctx.setLineDash(m.kind === 'limit' ? [6, 4] : []);
      ctx.beginPath();
      ctx.moveTo(MAP_GUTTER, y + px);
      ctx.lineTo(x, y + px);
      ctx.lineTo(x, y);
      ctx.lineTo(canvas.width, y);
      ctx.stroke();
      ctx.setLineDash([]);
      // Labels of nearby marks (ZONE_HIGHMEM and the 896 MB line) stack rather than overlap.
      labelY = Math.max(y + 2, labelY + 16);
      const w = ctx.measureText(m.label).width + 8;
      ctx.fillStyle = css('--vscode-editorWidget-background', '#222');
      ctx.fillRect(canvas.width - w - 4, labelY, w, 14);
      ctx.fillStyle = fg;
      ctx.fillText(m.label, canvas.width - w, labelY + 2);
    }
  }

  drawTouched(/** @type {number} */ ppr, /** @type {number} */ px, /** @type {number} */ pc) {
    const { ctx, canvas } = this;
    const hl = css('--vscode-debugIcon-breakpointCurrentStackframeForeground', '#ffcc00');
    const list = [...(this.meta?.touched ?? []), ...(this.flash && this.flashUntil > Date.now() ? [this.flash] : [])];
    ctx.strokeStyle = hl;
    ctx.fillStyle = hl;
    ctx.lineWidth = 2;
    delete canvas.dataset.touchedRect;
    for (const t of list) {
      ctx.setLineDash(t.kind === 'buddy' ? [3, 2] : []);
      for (const r of this.rects(t.pfn, t.pages, ppr, px, pc)) {
        // At least 8 px square, so that one page stays visible with the whole machine shown.
        const w = Math.max(r.w, 8), h = Math.max(r.h, 8);
        // Where the first highlighted cells are, in canvas pixels (the e2e test hovers there).
        canvas.dataset.touchedRect ??= `${r.x},${r.y},${r.w},${r.h}`;
        ctx.strokeRect(r.x - 1 - (w - r.w) / 2, r.y - 1 - (h - r.h) / 2, w + 2, h + 2);
        ctx.fillText('▶', MAP_GUTTER - 10, r.y);
      }
    }
    ctx.setLineDash([]);
  }

  /** The legend: a swatch, a label and a page count per state present. */
  drawLegend(/** @type {HTMLElement} */ foot) {
    foot.textContent = '';
    if (!this.meta) return;
    const counts = new Uint32Array(256);
    for (let i = 0; i < this.pages.length; i++) counts[this.pages[i] & STATE]++;
    let free = 0;
    for (let o = 0; o < 10; o++) free += counts[16 + o];
    const n = this.pages.length;
    Object.assign(this.canvas.dataset, { pages: String(n), allocated: String(counts[11]), free: String(free), reserved: String(n - free - counts[11] - counts[0]) });
    for (const e of this.meta.legend) {
      if (!counts[e.code]) continue;
      const item = document.createElement('span');
      item.className = 'key';
      const sw = document.createElement('i');
      const c = this.color[e.code];
      sw.style.background = `rgb(${c & 255}, ${(c >> 8) & 255}, ${(c >> 16) & 255})`;
      item.append(sw, `${e.label} · ${counts[e.code]}`);
      foot.append(item);
    }
  }
}
