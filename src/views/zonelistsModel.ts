// The Zonelists view: node_zonelists[0..255] grouped by the zones each yields, in the order
// __alloc_pages tries them (build_zonelists derives the chain from __GFP_DMA and
// __GFP_HIGHMEM alone); each gfp index with its __GFP_* flags and the GFP_* masks equal to
// it; a filter by flag; while __alloc_pages runs, the zonelist in use and the zone tried
// against its watermark.

import { gfpFlags } from '../engine/include/mm';
import { zone_names } from '../engine/include/mmzone';
import { decodeGfp } from '../engine/inspect/gfp';
import { changedAt, type ModelContext, type Node } from './node';

const ID = 'zonelists:';

export interface ZonelistFilter {
  /** __GFP_* flags every listed index must have. */
  flags: string[];
  /** Only indices some GFP_* mask names. */
  named: boolean;
}

export const NO_FILTER: ZonelistFilter = { flags: [], named: false };

/** The flags a filter can ask for, as mm.h names them (__GFP_HIGHMEM only with CONFIG_HIGHMEM). */
export function filterFlags(highmem: boolean): string[] {
  return Object.entries(gfpFlags(highmem)).filter(([, bit]) => bit).map(([name]) => name);
}

const hex2 = (i: number): string => `0x${i.toString(16).padStart(2, '0')}`;
const chainText = (chain: string): string => (chain ? chain.split(',').map((z) => zone_names[Number(z)]).join(' → ') : 'NULL');

export function zonelistsRoots(ctx: ModelContext, filter: ZonelistFilter): Node[] {
  const { pub, l10n } = ctx;
  const { k, summary } = pub;
  if (!k.zonelists_built) {
    return [{ kind: 'message', id: `${ID}none`, label: l10n.t('build_zonelists has not run yet'), changed: false }];
  }
  const out: Node[] = [];
  const f = pub.focus;
  if (f?.zonelist !== undefined) out.push(inUse(ctx, f.zonelist));
  const flags = gfpFlags(k.CONFIG_HIGHMEM) as unknown as Record<string, number>;
  const need = filter.flags.reduce((m, name) => m | (flags[name] ?? 0), 0);
  const groups = new Map<string, number[]>();
  const all = new Map<string, number>();
  for (let i = 0; i < summary.zonelists.length; i++) {
    const chain = summary.zonelists[i];
    all.set(chain, (all.get(chain) ?? 0) + 1);
    if ((i & need) !== need) continue;
    if (filter.named && !decodeGfp(i, k.CONFIG_HIGHMEM).names.length) continue;
    if (!groups.has(chain)) groups.set(chain, []);
    groups.get(chain)!.push(i);
  }
  const filtered = need !== 0 || filter.named;
  for (const [chain, indices] of groups) {
    const node: Node = {
      kind: 'chain',
      id: `${ID}chain/${chain}`,
      label: chainText(chain),
      description: filtered ? l10n.t('{0} of {1} gfp indices', indices.length, all.get(chain)!) : l10n.t('{0} gfp indices', indices.length),
      tooltip: l10n.t('alloc_pages with one of these gfp_mask values tries {0}, in that order.', chainText(chain)),
      changed: indices.some((i) => changedAt(ctx, `zonelists/${i}`)),
      focus: f?.zonelist !== undefined && indices.includes(f.zonelist),
      children: () => indices.map((i) => gfpNode(ctx, node, i)),
    };
    out.push(node);
  }
  if (!groups.size) out.push({ kind: 'message', id: `${ID}empty`, label: l10n.t('No gfp index has all of {0}', filter.flags.join('|')), changed: false });
  return out;
}

function gfpNode(ctx: ModelContext, parent: Node, i: number): Node {
  const d = decodeGfp(i, ctx.pub.k.CONFIG_HIGHMEM);
  return {
    kind: 'gfpIndex',
    id: `${parent.id}/${i}`,
    label: `node_zonelists[${hex2(i)}]`,
    description: d.names.length ? `${d.flags} · ${d.names.join(', ')}` : d.flags,
    tooltip: ctx.l10n.t('gfp_mask {0} ({1}): {2}', hex2(i), i, d.flags),
    changed: changedAt(ctx, `zonelists/${i}`),
    focus: ctx.pub.focus?.zonelist === i,
    parent,
  };
}

/** node_zonelists[gfp] as __alloc_pages walks it: each zone's free pages against the watermark in force. */
function inUse(ctx: ModelContext, gfp: number): Node {
  const { pub, l10n } = ctx;
  const chain = pub.summary.zonelists[gfp] ?? '';
  const tried = pub.focus?.tried;
  const d = decodeGfp(gfp, pub.k.CONFIG_HIGHMEM);
  const node: Node = {
    kind: 'zonelistInUse',
    id: `${ID}inUse`,
    label: `node_zonelists[${hex2(gfp)}]`,
    description: l10n.t('in use by {0} · {1}', pub.focus!.fn, d.names[0] ?? d.flags),
    tooltip: l10n.t('The zonelist the current request walks: {0}', chainText(chain)),
    changed: false,
    focus: true,
    expanded: true,
    children: () =>
      (chain ? chain.split(',').map(Number) : []).map((j): Node => {
        const z = pub.summary.zones[j];
        const now = tried?.zone === j ? tried : { mark: 'pages_low' as const, strict: false };
        const free = z.free_pages + (now.strict ? z.inactive_clean_pages : 0);
        const ok = now.strict ? free > z[now.mark] : free >= z[now.mark];
        const op = ok ? (now.strict ? '>' : '≥') : now.strict ? '≤' : '<';
        return {
          kind: 'zoneTried',
          id: `${ID}inUse/${j}`,
          label: z.name,
          description: l10n.t('free_pages {0} {1} {2} {3}', free, op, now.mark, z[now.mark]),
          tooltip: tried?.zone === j ? l10n.t('The zone being tried now.') : l10n.t('On the zonelist; not being tried now.'),
          changed: changedAt(ctx, `zones/${j}/free_pages`),
          focus: tried?.zone === j,
          parent: node,
        };
      }),
  };
  return node;
}
