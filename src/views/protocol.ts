// The memory-map webview's protocol, declared once: the per-page state codes, the legend that
// gives each code a label and a theme colour, and the messages both ways. The host
// (mapPanel.ts) and the webview script (media/webview/map.js, type-checked against this file
// through JSDoc) switch on `type`.

/** What one page frame is, one byte per page in the `state` message (| BLOCK_HEAD on a block's first page). */
export const PAGE_STATE = {
  /** No E820 entry covers it. */
  HOLE: 0,
  /** E820 reserved, ACPI data or ACPI NVS: the BIOS keeps it. */
  FIRMWARE: 1,
  /** RAM the kernel does not use (past max_pfn, or above 4 GB without PAE). */
  UNUSED_RAM: 2,
  /** PG_reserved for no other reason shown here (page 0, a partial E820 page, …). */
  RESERVED: 3,
  /** The kernel image, from 1 MB (HIGH_MEMORY) to _end. */
  KERNEL: 4,
  /** The bootmem bitmap setup_arch put right after _end. */
  BOOTMEM_MAP: 5,
  /** A page table paging_init allocated from bootmem. */
  PAGE_TABLE: 6,
  /** mem_map itself: 64 bytes of struct page per page frame. */
  MEM_MAP: 7,
  /** Another bootmem allocation: buddy bitmaps, struct resource, … */
  BOOTMEM_OTHER: 8,
  /** Free in the bootmem bitmap, before free_all_bootmem hands it to the buddy allocator. */
  BOOTMEM_FREE: 9,
  /** Neither reserved, free nor handed out: a block being split or merged, a page in use. */
  IN_USE: 10,
  /** In a block alloc_pages handed out. */
  ALLOCATED: 11,
  /** In a free block of order 0; FREE + order for orders 0..9. */
  FREE: 16,
} as const;

export const STATE_CODES = 26;

/** Or-ed into the state of a block's first page (free or handed out), so a zoomed map shows block edges. */
export const BLOCK_HEAD = 0x80;

/** A range of page frames a request or the current statement touches. */
export interface TouchedBlock {
  pfn: number;
  pages: number;
  /** split: expand's block; take: rmqueue's; merge/buddy: __free_pages_ok's; alloc/free: a request. */
  kind: 'split' | 'take' | 'merge' | 'buddy' | 'free' | 'alloc' | 'page';
}

export interface LegendEntry {
  code: number;
  label: string;
  /** A VS Code theme colour variable, e.g. `--vscode-charts-green`. */
  color: string;
  /** Mixed with `color` by `mix` (0..1) when given: the free orders' ramp. */
  color2?: string;
  mix?: number;
  /** Faded towards the editor background by this much (0..1). */
  fade?: number;
  /** Which state a cell of several pages shows: the highest. */
  priority: number;
}

export interface MapMarker {
  pfn: number;
  label: string;
  /** A zone boundary is solid; a limit such as the 896 MB line is dashed. */
  kind: 'zone' | 'limit';
}

export interface MapMeta {
  seq: number;
  machine: string;
  /** What the snapshot is: "booted", "stopped in expand", … */
  caption: string;
  marks: MapMarker[];
  touched: TouchedBlock[];
  legend: LegendEntry[];
}

/** Strings the webview shows, translated by the host. */
export interface MapStrings {
  zoomIn: string;
  zoomOut: string;
  fit: string;
  follow: string;
  /** The button that zooms to single pages at the block the current statement touches. */
  current: string;
  noMachine: string;
  /** "{0} pages per cell" */
  perCell: string;
  /** "page {0}" */
  page: string;
  /** "pages {0}–{1}" */
  pages: string;
  touched: string;
}

export type ToMap =
  | { type: 'state'; pages: Uint8Array; meta: MapMeta }
  | { type: 'empty' }
  | { type: 'description'; pfn: number; lines: string[] }
  | { type: 'reveal'; pfn: number; pages: number };

export type FromMap =
  | { type: 'ready' }
  | { type: 'describe'; pfn: number }
  | { type: 'drawn'; seq: number; ms: number; pages: number };
