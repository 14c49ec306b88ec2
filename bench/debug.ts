// The debugger's latencies, in process, through real DAP messages (as VS Code's inline adapter
// drives it): next -> stopped for one-statement steps, variables for a node, step back.
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Mm24DebugSession } from '../src/debug/session';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

class Client {
  private seq = 1;
  private waiting = new Map<number, (r: DebugProtocol.Response) => void>();
  private events: ((e: DebugProtocol.Event) => void)[] = [];
  constructor(readonly s: Mm24DebugSession) {
    s.onDidSendMessage((m) => {
      const msg = m as DebugProtocol.ProtocolMessage;
      if (msg.type === 'response') this.waiting.get((msg as DebugProtocol.Response).request_seq)?.((msg as DebugProtocol.Response));
      if (msg.type === 'event') this.events.forEach((f) => f(msg as DebugProtocol.Event));
    });
  }
  request(command: string, args: unknown = {}): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.s.handleMessage({ seq, type: 'request', command, arguments: args } as DebugProtocol.Request);
    });
  }
  event(name: string): Promise<DebugProtocol.Event> {
    return new Promise((resolve) => {
      const f = (e: DebugProtocol.Event): void => {
        if (e.event === name) {
          this.events = this.events.filter((x) => x !== f);
          resolve(e);
        }
      };
      this.events.push(f);
    });
  }
  async step(command: string): Promise<number> {
    const t0 = process.hrtime.bigint();
    const stopped = this.event('stopped');
    await this.request(command, { threadId: 1 });
    await stopped;
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }
}

async function machine(name: string, fnBreak: string): Promise<void> {
  const c = new Client(new Mm24DebugSession(join(__dirname, '..', 'media', 'listings')));
  await c.request('initialize', { adapterID: 'mm24' });
  await c.request('setFunctionBreakpoints', { breakpoints: [{ name: fnBreak }] });
  const first = c.event('stopped');
  await c.request('launch', { machine: name, stopOnEntry: false });
  await c.request('configurationDone');
  await first;
  await c.request('setFunctionBreakpoints', { breakpoints: [] });
  const nexts: number[] = [];
  for (let i = 0; i < 60; i++) nexts.push(await c.step('stepIn'));
  const vars: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    const sc = (await c.request('scopes', { frameId: 0 })) as DebugProtocol.ScopesResponse;
    const pg = sc.body.scopes[2].variablesReference;
    const top = (await c.request('variables', { variablesReference: pg })) as DebugProtocol.VariablesResponse;
    const zones = top.body.variables[0].variablesReference;
    await c.request('variables', { variablesReference: zones });
    vars.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const backs: number[] = [];
  for (let i = 0; i < 10; i++) backs.push(await c.step('stepBack'));
  console.log(`debug ${name.padEnd(14)} stop in ${fnBreak}: step (next->stopped) median ${median(nexts).toFixed(2)} ms; scopes+variables median ${median(vars).toFixed(2)} ms; step back median ${median(backs).toFixed(1)} ms (max ${Math.max(...backs).toFixed(1)})`);
}

export async function debugBench(): Promise<void> {
  await machine('pc-512m', 'free_area_init_core');
  await machine('pc-4g-highmem', 'free_area_init_core');
  await machine('pc-4g-highmem', 'free_all_bootmem_core');
}
