// What a per-test API knows about the async context a call is made in: the step it is inside of, the test a
// wrapper ties it to. Node 20's AsyncLocalStorage, once used, costs every promise the process creates afterwards for
// as long as it stays enabled, and Jest and Vitest load the per-test API afresh for every test file: kept enabled,
// a process would gather one store per file, each paid for by every promise of every later test. This one is
// enabled only while a scope is open, so between steps, and in a file that opens none, it costs nothing.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AsyncScope<T> {
  /** The value of the innermost scope this async context runs in; undefined outside every scope. */
  current(): T | undefined;
  /** Runs `body` in a scope holding `value`, and returns what it returns; the scope is open until that settles. */
  run<R>(value: T, body: () => R): R;
}

export function createAsyncScope<T>(): AsyncScope<T> {
  // Made by the first scope: a test file loads the per-test API, and one that opens no scope pays nothing for it.
  let storage: AsyncLocalStorage<T> | undefined;
  let open = 0;
  const close = (): void => {
    open -= 1;
    // While no scope is open, `current()` is undefined everywhere and no promise pays for the storage.
    if (open === 0) storage?.disable();
  };
  return {
    current: () => storage?.getStore(),
    run<R>(value: T, body: () => R): R {
      storage ??= new AsyncLocalStorage<T>();
      open += 1;
      let result: R;
      try {
        result = storage.run(value, body);
      } catch (error) {
        close();
        throw error;
      }
      if (isPromiseLike(result)) result.then(close, close);
      else close();
      return result;
    },
  };
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
