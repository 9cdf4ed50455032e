import { describe, expect, it } from 'vitest';
import { runningTest } from '../src/qase';
import type { ExpectState } from '../src/qase';

interface Node {
  type: string;
  name: string;
  parent?: Node;
  children: Node[];
  invocations?: number;
  concurrent?: boolean;
}

/** A jest-circus tree: `describe(name, children)` and `test(name, invocations)`, linked to their parents. */
function tree(...children: Node[]): Node {
  return link({ type: 'describeBlock', name: 'ROOT_DESCRIBE_BLOCK', children });
}
const block = (name: string, ...children: Node[]): Node => ({ type: 'describeBlock', name, children });
const test = (name: string, invocations = 1): Node => ({ type: 'test', name, children: [], invocations });

function link(node: Node): Node {
  for (const child of node.children) link(Object.assign(child, { parent: node }));
  return node;
}

function identity(running: Node | undefined): ExpectState {
  return { testPath: '/repo/a.test.js', currentTestIdentity: () => running };
}

describe('runningTest', () => {
  const root = tree(block('Cart', test('adds'), test('twin'), block('inner', test('x'))), test('Cart twin', 3), block('Cart', test('twin')));
  const [cart, cartTwinAtTop, cartAgain] = root.children as [Node, Node, Node];

  it.each([
    { name: 'names a test by its describe blocks and title', node: cart.children[0], key: { fullName: 'Cart adds', occurrence: 0, attempt: 1 } },
    { name: 'finds a nested test', node: cart.children[2]?.children[0], key: { fullName: 'Cart inner x', occurrence: 0, attempt: 1 } },
    { name: 'counts earlier tests of the same full name, in any block', node: cartAgain.children[0], key: { fullName: 'Cart twin', occurrence: 2, attempt: 1 } },
    { name: 'tells the attempt of a retried test', node: cartTwinAtTop, key: { fullName: 'Cart twin', occurrence: 1, attempt: 3 } },
  ])('$name', ({ node, key }) => {
    expect(runningTest(identity(node))).toEqual({ testPath: '/repo/a.test.js', ...key });
  });

  it.each([
    { name: 'Jest 28 and 29: the running test from jest-circus, with its attempt', node: cartTwinAtTop, jest29: true, expected: { fullName: 'Cart twin', occurrence: 1, attempt: 3 } },
    { name: 'Jest 29: a test.concurrent test by the name Jest gives its async context', node: cart.children[0], jest29: true, concurrent: 'Cart twin', expected: { fullName: 'Cart twin', occurrence: 0, attempt: 0 } },
    { name: 'Jest 28: no test inside test.concurrent, which it cannot tell apart', node: { ...cart.children[0]!, concurrent: true }, jest29: false, expected: 'unknown concurrent' },
    { name: 'Jest 28: a test that is not concurrent', node: cart.children[1], jest29: false, expected: { fullName: 'Cart twin', occurrence: 0, attempt: 1 } },
  ])('$name', ({ node, jest29, concurrent, expected }) => {
    const state: ExpectState = { testPath: '/repo/a.test.js', currentTestName: 'last started' };
    if (jest29) state.currentConcurrentTestName = () => concurrent;
    const found = runningTest(state, () => ({ currentlyRunningTest: node }));
    expect(found).toEqual(typeof expected === 'string' ? expected : { testPath: '/repo/a.test.js', ...expected });
  });

  it.each<{ name: string; state: ExpectState | undefined; expected: ReturnType<typeof runningTest> }>([
    { name: 'no test outside one (a beforeAll, module scope)', state: identity(undefined), expected: undefined },
    { name: 'no test outside Jest', state: undefined, expected: undefined },
    {
      name: 'before Jest 30.5: the concurrent test by name, attempt unknown',
      state: { testPath: '/repo/a.test.js', currentTestName: 'last started', currentConcurrentTestName: () => 'Cart adds' },
      expected: { testPath: '/repo/a.test.js', fullName: 'Cart adds', occurrence: 0, attempt: 0 },
    },
    {
      name: 'without jest-circus (jest-jasmine2), outside test.concurrent: the current test by name',
      state: { testPath: '/repo/a.test.js', currentTestName: 'Cart adds', currentConcurrentTestName: () => undefined },
      expected: { testPath: '/repo/a.test.js', fullName: 'Cart adds', occurrence: 0, attempt: 0 },
    },
  ])('$name', ({ state, expected }) => {
    expect(runningTest(state, () => undefined)).toEqual(expected);
  });
});
