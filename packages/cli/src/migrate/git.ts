import { execFileSync } from 'node:child_process';

/**
 * The uncommitted changes under `dir` as `git status --porcelain` lists them (untracked files included, since
 * git could not restore them), or undefined when `dir` is not in a git work tree or git is not installed.
 */
export function uncommittedChanges(dir: string): string[] | undefined {
  let status: string;
  try {
    status = execFileSync('git', ['status', '--porcelain', '--', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  return status.split('\n').filter(Boolean);
}
