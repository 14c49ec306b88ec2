// `npm run package`: the .vsix, with @vscode/vsce, from what `npm run build` bundled. Checks
// first that every string the UI passes to vscode.l10n.t has a 简体中文 translation, and
// afterwards that the package holds the bundle and nothing of the sources.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './e2e-setup.mjs';

/** The first argument of each vscode.l10n.t('…') call under src/ (string literals only). */
function l10nKeys() {
  const keys = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
          keys.add((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
        }
      }
    }
  };
  walk(join(REPO, 'src'));
  return keys;
}

function checkTranslations() {
  const missing = [];
  const zh = JSON.parse(readFileSync(join(REPO, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8'));
  for (const k of l10nKeys()) if (!(k in zh)) missing.push(`l10n/bundle.l10n.zh-cn.json lacks ${JSON.stringify(k)}`);
  const en = JSON.parse(readFileSync(join(REPO, 'package.nls.json'), 'utf8'));
  const zhNls = JSON.parse(readFileSync(join(REPO, 'package.nls.zh-cn.json'), 'utf8'));
  const manifest = readFileSync(join(REPO, 'package.json'), 'utf8');
  for (const m of manifest.matchAll(/"%([^%"]+)%"/g)) {
    if (!(m[1] in en)) missing.push(`package.nls.json lacks "${m[1]}"`);
    if (!(m[1] in zhNls)) missing.push(`package.nls.zh-cn.json lacks "${m[1]}"`);
  }
  if (missing.length) {
    console.error(`package: untranslated strings:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
}

checkTranslations();
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const out = `mm24-${version}.vsix`;
const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: REPO, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const list = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' });
const files = list.stdout.split('\n').filter(Boolean);
const stray = files.filter((f) => /^(src|test|scripts|bench|node_modules)\//.test(f) || f.endsWith('.map'));
const needed = ['dist/extension.js', 'package.json', 'media/walkthrough/mm-2.4-notes.md', 'l10n/bundle.l10n.zh-cn.json', 'LICENSE'];
const absent = needed.filter((f) => !files.includes(f));
if (stray.length || absent.length) {
  console.error(`package: ${out} ${stray.length ? `holds ${stray.join(', ')}` : ''}${absent.length ? ` lacks ${absent.join(', ')}` : ''}`);
  process.exit(1);
}
