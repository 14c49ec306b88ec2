// The public golden workloads: 2.4.0's result for every op and the state after boot and at
// the end, for the machine each describes (fixtures copied from shared/spec/golden).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, type Op } from '../../src/engine/engine';
import { RequestError } from '../../src/engine/errors';
import { state } from '../../src/engine/inspect/report';
import { parseMachine } from '../../src/engine/machine';

const dir = join(__dirname, '..', 'fixtures', 'golden');

describe.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('golden %s', (file) => {
  const g = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const e = Engine.boot(parseMachine(g.machine));
  const boot = state(e.k);
  const ops = (g.ops as Op[]).map((op) => {
    try {
      return e.apply(op);
    } catch (err) {
      if (err instanceof RequestError) return { error: err.message };
      throw err;
    }
  });

  it('boots to 2.4.0\'s state (setup_arch, paging_init, free_area_init_core, mem_init)', () => {
    expect(boot).toEqual(g.expect.boot);
  });
  it('returns 2.4.0\'s pfn for every alloc_pages and null for every free', () => {
    expect(ops).toEqual(g.expect.ops);
  });
  it('ends in 2.4.0\'s state', () => {
    expect(state(e.k)).toEqual(g.expect.final);
  });
});
