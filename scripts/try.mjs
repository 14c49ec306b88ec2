// `npm run try`: mm24 in a real VS Code for a person, on a machine with only Node and npm.
// Builds the .vsix, installs code-server and its Node 24 into a cache outside the clone (once),
// installs the extension into a fresh profile, and serves VS Code on 127.0.0.1 (a free port)
// with a random password, the walkthrough opened. Runs until Ctrl-C, then cleans up.
//
// Options: --no-package (reuse mm24-<version>.vsix), --port N.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from './e2e-setup.mjs';

const argv = process.argv.slice(2);
const portArg = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : undefined;

/** A small machine for "Machine JSON file…": 32 MB, the PC holes, no HIGHMEM. */
const EXAMPLE_MACHINE = {
  name: 'example-32m',
  e820: [
    [0, '0x9fc00', 1],
    ['0x9fc00', '0x400', 2],
    ['0xf0000', '0x10000', 2],
    ['0x100000', '0x1f00000', 1],
  ],
  kernel_end: '0x300000',
  highmem: false,
};

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

async function main() {
  const vsix = argv.includes('--no-package') && S.findVsix() ? S.findVsix() : S.buildVsix();
  const cs = S.ensureCodeServerInstalled();
  const scratch = mkdtempSync(join(tmpdir(), 'mm24-try-'));
  const profile = S.makeProfile(scratch, {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'security.workspace.trust.enabled': false,
  });
  writeFileSync(join(profile.workspace, 'example-machine.json'), JSON.stringify(EXAMPLE_MACHINE, null, 2) + '\n');
  const extDir = S.installExtension(cs, profile, vsix);
  const port = portArg ?? (await S.freePort());
  const password = randomBytes(15).toString('base64url');
  const server = await S.startCodeServer(cs, profile, { port, auth: { password }, logFile: join(scratch, 'code-server.log') });

  // The workbench opens the walkthrough from the URL (VS Code web's "openFile" payload).
  const notes = join(extDir, 'media', 'walkthrough', 'mm-2.4-notes.md');
  const payload = JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${notes}`]]);
  const url = `${server.url}?folder=${encodeURIComponent(profile.workspace)}&payload=${encodeURIComponent(payload)}`;

  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      process.stdout.write('\nmm24 try: stopping code-server\n');
      void cleanup().then(() => process.exit(0));
    });
  }
  server.child.on('exit', (code) => {
    if (cleaned) return;
    process.stderr.write(`mm24 try: code-server exited (${code}); its log:\n${server.output().slice(-3000)}\n`);
    void cleanup().then(() => process.exit(1));
  });

  const lines = [
    '',
    'mm24 is running in VS Code (code-server 4.139.1), on this machine only.',
    `  URL:      ${url}`,
    `  Password: ${password}`,
    '',
    'Open the URL in a browser and enter the password; the walkthrough opens. Then run',
    '"mm24: Boot a machine…" from the command palette (F1).',
  ];
  if (onPath('code')) {
    lines.push('', 'VS Code is on your PATH: to use it instead, run', `  code --install-extension ${vsix} && code ${join(S.REPO, 'media', 'walkthrough', 'mm-2.4-notes.md')}`);
  }
  lines.push('', 'Ctrl-C stops it.', '');
  process.stdout.write(lines.join('\n'));
}

main().catch((e) => {
  console.error(`mm24 try: ${e.message ?? e}`);
  process.exit(1);
});
