// One source, two modes (design.md): for every preset, and for the configurations the presets
// do not cover (no PSE, PAE without PSE), booting in step mode — every call a generator, every
// statement a probe — ends in exactly the state the derived run mode reaches.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { PRESET_NAMES, parseMachine, presetMachine, type Machine } from '../../src/engine/machine';
import { snapshot } from './snapshot';

const MiB = 1 << 20;
const machines: [string, () => Machine][] = [
  ...PRESET_NAMES.map((n): [string, () => Machine] => [n, () => presetMachine(n)]),
  ['pc-64m, no PSE', () => ({ ...presetMachine('pc-64m'), pse: false })],
  ['PAE 1.5 GiB, no PSE', () => parseMachine({ e820: [[0, 0x9fc00, 1], [MiB, 1535 * MiB, 1]], highmem: true, pae: true, pse: false })],
];

describe('step mode and run mode end in the same state', () => {
  it.each(machines)('%s', (_name, make) => {
    const run = Engine.boot(make());
    const { engine, stepper } = Engine.stepBoot(make());
    const stop = stepper.continue(() => false); // a breakpoint test keeps every call in step mode
    expect(stop.reason).toBe('end');
    expect(snapshot(engine.k)).toEqual(snapshot(run.k));
  }, 600_000);
});
