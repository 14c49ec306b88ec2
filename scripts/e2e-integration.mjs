// `npm run test:integration`: the extension-host suite (test/e2e/suite/) in VS Code desktop via
// @vscode/test-electron, where VS Code can be downloaded. Where it cannot (no network to
// update.code.visualstudio.com, as on the CI machines), says so and skips: the same suite runs
// inside code-server's extension host in `npm run test:e2e`.
//
// Environment: MM24_VSCODE_VERSION (default "stable").

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './e2e-setup.mjs';
import { buildSuite } from '../test/e2e/build-suite.mjs';

const UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';

function skip(reason) {
  process.stdout.write(
    `test:integration: SKIPPED: ${reason}\n` +
      '  The same extension-host suite runs inside code-server\'s real extension host: npm run test:e2e\n',
  );
  process.exit(0);
}

async function reachable() {
  try {
    const r = await fetch(UPDATE_SERVER, { signal: AbortSignal.timeout(8000) });
    return r.ok ? null : `${UPDATE_SERVER} answered ${r.status}`;
  } catch (e) {
    return `${UPDATE_SERVER} is unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`;
  }
}

async function main() {
  const why = await reachable();
  if (why) skip(`VS Code desktop cannot be downloaded here: ${why}.`);
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    // Electron needs a display: rerun under a virtual one where there is one to have.
    if (spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0) {
      const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
      process.exit(r.status ?? 1);
    }
    skip('VS Code desktop needs a display: set DISPLAY, or install xvfb (xvfb-run).');
  }
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const suite = await buildSuite();
  const { runTests } = await import('@vscode/test-electron');
  const workspace = mkdtempSync(join(tmpdir(), 'mm24-integration-'));
  await runTests({
    version: process.env.MM24_VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: REPO,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch((e) => {
  console.error(`test:integration: ${e.message ?? e}`);
  process.exit(1);
});
