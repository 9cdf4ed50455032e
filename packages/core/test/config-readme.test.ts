import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { OPTIONS, type Option } from '../src/config/options';

// The README's configuration reference is made from the option table; this test fails when they differ.
// To rewrite the README's copy from the table: UPDATE_README=1 npx vitest run packages/core/test/config-readme.test.ts
const README = join(__dirname, '..', '..', '..', 'README.md');
const BEGIN = '<!-- options:begin (made from packages/core/src/config/options.ts; see config-readme.test.ts) -->';
const END = '<!-- options:end -->';

function reference(): string {
  const code = (text: string) => `\`${text}\``;
  const rows = Object.entries(OPTIONS).map(([path, option]: [string, Option<unknown>]) => {
    const keys = [code(path), ...(option.aliases ?? []).map((alias) => `or ${code(alias)}`)].join(' ');
    const { default: value, defaultText } = option;
    const fallback = defaultText ?? (value === undefined ? '—' : code(typeof value === 'string' ? value : JSON.stringify(value)));
    const values = option.kind.values + (option.env && option.kind.envValues ? ` (${option.kind.envValues} in the variable)` : '');
    const cells = [option.env ? code(option.env) : '— (file or options)', keys, values, fallback, `${option.ours ? '*Ours.* ' : ''}${option.description}`];
    return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  });
  return ['| variable | key in `qase.config.json` / reporter options | values | default | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

it("the README's configuration reference is the option table", () => {
  const readme = readFileSync(README, 'utf8');
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  expect(begin, `README.md has no line ${BEGIN}`).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(begin);
  const expected = `${BEGIN}\n${reference()}\n${END}`;
  if (process.env.UPDATE_README) writeFileSync(README, readme.slice(0, begin) + expected + readme.slice(end + END.length));
  else expect(readme.slice(begin, end + END.length)).toBe(expected);
});
