// Bundles the extension-host suite (test/e2e/suite/) into out/e2e/suite.js, `vscode` external,
// for both @vscode/test-electron and the code-server runner extension.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { REPO } from '../../scripts/e2e-setup.mjs';

export async function buildSuite() {
  const outfile = join(REPO, 'out', 'e2e', 'suite.js');
  await esbuild.build({
    entryPoints: [join(REPO, 'test', 'e2e', 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}
