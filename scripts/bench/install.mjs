// The end-to-end tests' framework installs (test/support/install.ts), loaded from plain Node: the bench installs
// the same versions into the same cached folders, with our built packages copied in beside them. The TypeScript is
// transpiled in memory (types dropped, nothing checked) rather than kept twice.
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = join(REPO, 'test/support/install.ts');

const ts = createRequire(import.meta.url)('typescript');
const { outputText } = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  fileName: SOURCE,
});
const loaded = new Module(SOURCE);
loaded.filename = SOURCE;
loaded.paths = Module._nodeModulePaths(dirname(SOURCE));
loaded._compile(outputText, SOURCE);

/** @type {(packages: Record<string, string>) => Promise<string>} */
export const installPackages = loaded.exports.installPackages;
/** @type {(installed: string, name: string) => string} */
export const projectDir = loaded.exports.projectDir;
