// One line saying what the views show: the machine and the moment ("stopped in expand",
// "after a request"), for the tree views' descriptions and the memory map's header.

import type { Publication } from './model';
import type { L10n } from './node';

export function caption(pub: Publication, l10n: L10n): string {
  const m = pub.k.machine.name;
  switch (pub.reason) {
    case 'boot':
      return pub.origin === 'debug' ? l10n.t('{0} · debugging', m) : l10n.t('{0} · booted', m);
    case 'stop':
      return pub.focus ? l10n.t('{0} · stopped in {1}', m, pub.focus.fn) : l10n.t('{0} · stopped', m);
    case 'end':
      return l10n.t('{0} · debug session ended', m);
    case 'request':
      return l10n.t('{0} · after a request', m);
    case 'workload':
      return l10n.t('{0} · after a workload', m);
  }
}
