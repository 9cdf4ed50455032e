import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The lock file says which client installed the project; a workspace package's lock file is at the root above it.
const LOCK_FILES: readonly [file: string, command: string][] = [
  ['pnpm-lock.yaml', 'pnpm install'],
  ['yarn.lock', 'yarn install'],
  ['package-lock.json', 'npm install'],
  ['npm-shrinkwrap.json', 'npm install'],
];

/** The command that installs the swapped dependencies: by the nearest lock file at or above `dir`; npm if none. */
export function installCommand(dir: string): string {
  for (let folder = dir; ; folder = dirname(folder)) {
    const lock = LOCK_FILES.find(([file]) => existsSync(join(folder, file)));
    if (lock) return lock[1];
    if (dirname(folder) === folder) return 'npm install';
  }
}
