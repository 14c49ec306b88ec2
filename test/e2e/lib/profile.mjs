// The e2e profiles: fresh code-server user-data and extensions dirs with the .vsix installed,
// test-only extensions from test/e2e/ beside it, and the extension host's log read back.

import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as S from '../../../scripts/e2e-setup.mjs';

/** The extension host's log, where activation shows. */
export function exthostLog(profile) {
  const logs = join(profile.userData, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs)
    .map((d) => join(logs, d, 'exthost1', 'remoteexthost.log'))
    .filter(existsSync)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

/**
 * A fresh profile with the .vsix installed, plus test-only extensions from test/e2e/ (the
 * runner, the empty zh-cn language pack) in session 2.
 */
export function prepareProfile(cs, root, settings, vsix, testExtensions = []) {
  const profile = S.makeProfile(root, { ...SETTINGS, ...settings });
  S.installExtension(cs, profile, vsix);
  for (const name of testExtensions) installUnpacked(profile, join(S.REPO, 'test', 'e2e', name));
  if (testExtensions.includes('zh-cn-pack')) registerLanguagePack(profile);
  return profile;
}

/**
 * The server's language-pack index (userData/languagepacks.json), which VS Code writes when a
 * pack is installed through it; written here for the unpacked empty zh-cn pack. With it,
 * `--locale zh-cn` resolves to zh-cn and extensions get their zh-cn nls files and l10n bundles.
 */
function registerLanguagePack(profile) {
  const dir = readdirSync(profile.extensions).find((d) => d.startsWith('mm24-test.zh-cn-pack-'));
  const entry = {
    hash: 'mm24e2e0001',
    extensions: [{ extensionIdentifier: { id: 'mm24-test.zh-cn-pack' }, version: '0.0.1' }],
    translations: { vscode: join(profile.extensions, dir, 'translations', 'main.i18n.json') },
    label: '中文(简体)',
  };
  writeFileSync(join(profile.userData, 'languagepacks.json'), JSON.stringify({ 'zh-cn': entry }));
}

/** A test-only extension folder, copied into the extensions dir and listed in extensions.json. */
function installUnpacked(profile, src) {
  const manifest = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
  const rel = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
  const dir = join(profile.extensions, rel);
  cpSync(src, dir, { recursive: true });
  const listFile = join(profile.extensions, 'extensions.json');
  const list = existsSync(listFile) ? JSON.parse(readFileSync(listFile, 'utf8')) : [];
  list.push({
    identifier: { id: `${manifest.publisher}.${manifest.name}` },
    version: manifest.version,
    location: { $mid: 1, fsPath: dir, external: `file://${dir}`, path: dir, scheme: 'file' },
    relativeLocation: rel,
    metadata: { installedTimestamp: Date.now(), source: 'vsix' },
  });
  writeFileSync(listFile, JSON.stringify(list));
}
