// init/main.c, start_kernel as far as memory goes: setup_arch, then (nothing in between
// touches bootmem on the default configuration) mem_init. Boot ends there.

import { $, call, frame, type Kgen } from '../exec/gen';
import type { Kernel } from '../state';
import { setup_arch } from '../arch/i386/kernel/setup';
import { mem_init } from '../arch/i386/mm/init';

// C: asmlinkage void __init start_kernel(void)
export function* start_kernel(k: Kernel): Kgen<void> {
  yield frame(() => ({}));
  yield $('setup_arch(&command_line);');
  yield call(setup_arch, k);
  yield $('mem_init();');
  yield call(mem_init, k);
}
