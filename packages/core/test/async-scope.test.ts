import { describe, expect, it } from 'vitest';
import { createAsyncScope } from '../src/async-scope';

describe('createAsyncScope', () => {
  it('gives each async context the value of the scope it runs in, nested and interleaved', async () => {
    const scope = createAsyncScope<string>();
    const seen: Array<string | undefined> = [];
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    await Promise.all([
      scope.run('a', async () => {
        await tick();
        seen.push(scope.current());
        await scope.run('a.1', async () => {
          await tick();
          seen.push(scope.current());
        });
        seen.push(scope.current());
      }),
      scope.run('b', async () => {
        await tick();
        seen.push(scope.current());
      }),
    ]);
    expect(seen.sort()).toEqual(['a', 'a', 'a.1', 'b']);
    expect(scope.current()).toBeUndefined();
  });

  it('returns what the body returns, and closes the scope when a body throws or rejects', async () => {
    const scope = createAsyncScope<number>();
    expect(scope.run(1, () => 'sync')).toBe('sync');
    expect(() => scope.run(2, () => {
      throw new Error('sync failure');
    })).toThrow('sync failure');
    await expect(scope.run(3, async () => {
      await Promise.resolve();
      throw new Error('async failure');
    })).rejects.toThrow('async failure');
    await Promise.resolve();
    expect(scope.current()).toBeUndefined();
  });

  it('holds nothing once every scope has closed, and a context made outside a scope never finds one', async () => {
    // Many scopes, as Jest and Vitest make one per test file.
    const scopes = Array.from({ length: 50 }, () => createAsyncScope<number>());
    for (const [i, scope] of scopes.entries()) await scope.run(i, async () => Promise.resolve());
    await Promise.resolve();
    expect(scopes.every((scope) => scope.current() === undefined)).toBe(true);
    const outside = createAsyncScope<number>();
    // A context created outside any scope of `outside` finds nothing in it, also once it runs again later.
    const later = new Promise<number | undefined>((resolve) => setTimeout(() => resolve(outside.current()), 1));
    await outside.run(7, async () => {
      expect(outside.current()).toBe(7);
    });
    expect(await later).toBeUndefined();
  });
});
