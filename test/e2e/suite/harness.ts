// A minimal test registry for the extension-host suite: the same tests run under
// @vscode/test-electron (which calls `run`) and in code-server's extension host (where the
// runner extension calls `runAll` and writes the results to a file).

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

type TestFn = () => Promise<void> | void;
const tests: { name: string; fn: TestFn }[] = [];

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

export async function runAll(): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      const err = e as Error;
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: err.stack ?? String(err) });
    }
  }
  return results;
}
