// The extension-host suite's entry: `run` is @vscode/test-electron's contract (reject on any
// failure); `runAll` is what the code-server runner extension calls.

import { runAll } from './harness';
import './extension.test';
import './boot.test';

export { runAll };

export async function run(): Promise<void> {
  const results = await runAll();
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
  const failed = results.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}
