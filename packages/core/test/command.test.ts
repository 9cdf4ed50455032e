import { describe, expect, it } from 'vitest';
import { cliCommand } from '../src/command';

describe('cliCommand', () => {
  it.each([
    { case: 'names the CLI by its package, never by the bare command', args: ['upload', '.qase/outbox/20261128-1'], expected: 'npx @qase-reporters/cli upload .qase/outbox/20261128-1' },
    { case: 'quotes a path with spaces', args: ['upload', 'my tests/.qase/outbox'], expected: 'npx @qase-reporters/cli upload "my tests/.qase/outbox"' },
    { case: 'quotes a Windows path, keeping its backslashes', args: ['upload', 'C:\\ci\\.qase\\outbox'], expected: 'npx @qase-reporters/cli upload "C:\\ci\\.qase\\outbox"' },
    { case: 'escapes what a shell expands inside quotes', args: ['upload', 'a $HOME `x` "y"'], expected: 'npx @qase-reporters/cli upload "a \\$HOME \\`x\\` \\"y\\""' },
  ])('$case', ({ args, expected }) => {
    expect(cliCommand(...args)).toBe(expected);
  });
});
