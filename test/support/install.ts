// Framework versions (and the official reporters that tests compare against) installed from the npm registry into
// folders of their own, outside the workspace's install, and cached between runs. Our packages are copied in beside
// them, so a project in that folder resolves the framework version under test from our adapter, exactly as in a
// user's project, and never falls back to the workspace's own framework. Each checkout of this repository has folders
// of its own: the copies of our packages are its build, and another checkout's tests may be running at the same time
// (Mocha, for one, loads a reporter from beside itself, so our packages cannot live in a layer per checkout).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const REPO = resolve(__dirname, '../..');
const CACHE = join(tmpdir(), 'qase-reporters-e2e');
const OURS = ['core', 'cli', 'playwright', 'jest', 'mocha', 'vitest'];

/**
 * A folder whose `node_modules` holds `packages` (name → exact version) from the registry, the runtime dependencies
 * of our packages, and our built packages. Write projects below it (see `projectDir`). Several test files may ask
 * for the same set at once: one installs, the others wait for it.
 */
export async function installPackages(packages: Record<string, string>): Promise<string> {
  const dependencies = { ...runtimeDependencies(), ...packages };
  const key = Object.entries(packages).map(([name, version]) => `${name.replace('/', '+')}@${version}`).join('_');
  const dir = join(CACHE, `${key}-${hash(JSON.stringify({ dependencies, REPO })).slice(0, 8)}`);
  const release = await lock(dir);
  try {
    if (!existsSync(join(dir, '.installed'))) await install(dir, dependencies);
    copyOurs(dir);
  } finally {
    release();
  }
  return dir;
}

/** A fresh folder for one project inside an installed folder, removed by `rmSync` when the caller is done. */
export function projectDir(installed: string, name: string): string {
  const dir = join(installed, 'projects', `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function install(dir: string, dependencies: Record<string, string>): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'qase-e2e-versions', private: true, dependencies }, null, 2));
  // No browser download (none can be reached here); Debian's chromium serves the tests that need one.
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', npm_config_fund: 'false', npm_config_audit: 'false' };
  try {
    await promisify(execFile)('npm', ['install', '--no-package-lock', '--loglevel=error'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`npm install of ${Object.keys(dependencies).join(', ')} in ${dir} failed:\n${stderr ?? (error as Error).message}`);
  }
  writeFileSync(join(dir, '.installed'), '');
}

/** got, form-data, …: what our packages need at run time, as the workspace pins them. */
function runtimeDependencies(): Record<string, string> {
  const all: Record<string, string> = {};
  for (const name of OURS) {
    const manifest = JSON.parse(readFileSync(join(REPO, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const [dep, version] of Object.entries(manifest.dependencies ?? {})) {
      if (!dep.startsWith('@qase-reporters/')) all[dep] = version;
    }
  }
  return all;
}

/** Our built packages, as `npm install` of their tarballs would lay them out: package.json, bin and dist. */
function copyOurs(dir: string): void {
  const stamp = hash(OURS.map((name) => fingerprint(join(REPO, 'packages', name))).join('\n'));
  const stampFile = join(dir, '.ours');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  for (const name of OURS) {
    const from = join(REPO, 'packages', name);
    const to = join(dir, 'node_modules/@qase-reporters', name);
    rmSync(to, { recursive: true, force: true });
    mkdirSync(to, { recursive: true });
    for (const entry of ['package.json', 'bin', 'dist']) {
      if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true });
    }
  }
  writeFileSync(stampFile, stamp);
}

/** Names, sizes and times of a package's shipped files: changes whenever it is rebuilt. */
function fingerprint(pkg: string): string {
  const lines: string[] = [];
  for (const entry of ['package.json', 'bin', 'dist']) {
    const path = join(pkg, entry);
    if (!existsSync(path)) continue;
    const files = statSync(path).isDirectory() ? readdirSync(path, { recursive: true }).map((f) => join(path, String(f))) : [path];
    for (const file of files) {
      const stat = statSync(file);
      lines.push(`${file} ${stat.size} ${stat.mtimeMs}`);
    }
  }
  return lines.sort().join('\n');
}

/** A lock folder beside `dir`, holding its owner's pid: a lock whose owner died is taken over. */
async function lock(dir: string): Promise<() => void> {
  const path = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(path)) rmSync(path, { recursive: true, force: true });
      else await sleep(250);
    }
  }
}

function ownerAlive(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockPath, 'pid'), 'utf8'));
  } catch {
    // Just made, pid not written yet: give its owner a moment unless the folder is old.
    try {
      return Date.now() - statSync(lockPath).mtimeMs < 5_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
