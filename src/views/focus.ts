// What the current statement works on, read from the stopped stack's locals: the zonelist
// __alloc_pages walks and the zone it tries against which watermark, the free_area rmqueue or
// __free_pages_ok is at, and the blocks being split (expand), taken (rmqueue) or merged
// (__free_pages_ok). Read only; the views highlight it.

import type { FrameInfo } from '../engine/exec/stepper';
import { Zone } from '../engine/state';
import type { TouchedBlock } from './protocol';

export type WaterMark = 'pages_min' | 'pages_low' | 'pages_high';

export interface Focus {
  /** The innermost function of the stop. */
  fn: string;
  /** node_zonelists[gfp] being walked. */
  zonelist?: number;
  /**
   * The zone being tried (its index) and its test: `free_pages >= pages_low` in __alloc_pages'
   * first pass, `free_pages + inactive_clean_pages > water_mark` (strict) in __alloc_pages_limit.
   */
  tried?: { zone: number; mark: WaterMark; strict: boolean };
  /** The free_area the buddy code works on. */
  area?: { zone: number; order: number };
  touched: TouchedBlock[];
}

const LIMITS: WaterMark[] = ['pages_min', 'pages_low', 'pages_high'];

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const zoneIndex = (v: unknown): number | undefined => (v instanceof Zone ? v.index : undefined);

/** The focus of a stop, innermost frame first as DAP (and Stop.stack) order them. */
export function focusOfStack(stack: readonly FrameInfo[]): Focus | null {
  if (!stack.length) return null;
  const f: Focus = { fn: stack[0].fn, touched: [] };
  for (const frame of stack) {
    const l = frame.locals();
    switch (frame.fn) {
      case 'expand': {
        const zone = zoneIndex(l.zone);
        const page = num(l.page);
        const size = num(l.size);
        if (page !== undefined && size) f.touched.push({ pfn: page, pages: size, kind: 'split' });
        if (zone !== undefined && num(l.high) !== undefined && !f.area) f.area = { zone, order: num(l.area) ?? (l.high as number) };
        break;
      }
      case 'rmqueue': {
        const zone = zoneIndex(l.zone);
        const page = num(l.page);
        const order = num(l.curr_order) ?? 0;
        if (page !== undefined && page >= 0 && !f.touched.length) f.touched.push({ pfn: page, pages: 1 << order, kind: 'take' });
        if (zone !== undefined && !f.area) f.area = { zone, order: num(l.area) ?? order };
        break;
      }
      case '__free_pages_ok': {
        const zone = zoneIndex(l.zone);
        const mask = num(l.mask) ?? 0;
        const base = num(l.base) ?? 0;
        if (mask) {
          f.touched.push({ pfn: base + (num(l.page_idx) ?? 0), pages: -mask, kind: 'merge' });
          const buddy = num(l.buddy1);
          if (buddy) f.touched.push({ pfn: buddy, pages: -mask, kind: 'buddy' });
          if (zone !== undefined) f.area = { zone, order: num(l.area) ?? 0 };
        } else if (num(l.page) !== undefined) {
          f.touched.push({ pfn: l.page as number, pages: 1 << (num(l.order) ?? 0), kind: 'free' });
        }
        break;
      }
      case '__free_pages':
        if (!f.touched.length && num(l.page) !== undefined) f.touched.push({ pfn: l.page as number, pages: 1 << (num(l.order) ?? 0), kind: 'free' });
        break;
      case '__alloc_pages_limit':
      case '__alloc_pages': {
        f.zonelist ??= num(l.zonelist);
        const z = zoneIndex(l.z);
        if (z !== undefined && !f.tried) {
          const limit = frame.fn === '__alloc_pages_limit' ? LIMITS[num(l.limit) ?? 1] ?? 'pages_low' : 'pages_low';
          f.tried = { zone: z, mark: limit, strict: frame.fn === '__alloc_pages_limit' };
        }
        break;
      }
      case 'alloc_pages':
      case '__get_free_pages':
        f.zonelist ??= num(l.gfp_mask);
        break;
      default:
        // Boot paths: the page a loop is at (free_all_bootmem_core, mem_init, …).
        if (frame === stack[0] && num(l.page) !== undefined && (l.page as number) >= 0) f.touched.push({ pfn: l.page as number, pages: 1, kind: 'page' });
    }
  }
  return f;
}
