// A JSON reader that keeps where each value is, so a rewrite can change one string and keep every other byte.
// Comments are allowed, as Mocha allows them in .mocharc.json.

export type JsonNode =
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'other'; start: number; end: number };

export interface JsonMember {
  key: Extract<JsonNode, { kind: 'string' }>;
  value: JsonNode;
}

/** Thrown with what is wrong and where, for one line of output. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/** The parsed tree of `text`, with offsets. */
export function parseJson(text: string): JsonNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`);
  };
  const space = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i += 1;
      if (text.startsWith('//', i)) i = text.includes('\n', i) ? text.indexOf('\n', i) : text.length;
      else if (text.startsWith('/*', i)) i = text.includes('*/', i) ? text.indexOf('*/', i) + 2 : fail('unclosed comment');
      else return;
    }
  };
  const string = (): Extract<JsonNode, { kind: 'string' }> => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unclosed string');
    i += 1;
    return { kind: 'string', start, end: i, value: JSON.parse(text.slice(start, i)) as string };
  };
  const value = (): JsonNode => {
    space();
    const start = i;
    const c = text[i];
    if (c === '"') return string();
    if (c === '{') {
      i += 1;
      const members: JsonMember[] = [];
      space();
      while (text[i] !== '}') {
        if (members.length > 0) {
          if (text[i] !== ',') fail('expected , or }');
          i += 1;
          space();
          if (text[i] === '}') break;
        }
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        space();
        if (text[i] !== ':') fail('expected :');
        i += 1;
        members.push({ key, value: value() });
        space();
      }
      i += 1;
      return { kind: 'object', start, end: i, members };
    }
    if (c === '[') {
      i += 1;
      const items: JsonNode[] = [];
      space();
      while (text[i] !== ']') {
        if (items.length > 0) {
          if (text[i] !== ',') fail('expected , or ]');
          i += 1;
          space();
          if (text[i] === ']') break;
        }
        items.push(value());
        space();
      }
      i += 1;
      return { kind: 'array', start, end: i, items };
    }
    const literal = /^(?:true|false|null|-?\d[\d.eE+-]*)/.exec(text.slice(i, i + 64))?.[0];
    if (!literal) fail('unexpected character');
    i += literal!.length;
    return { kind: 'other', start, end: i };
  };
  const root = value();
  space();
  if (i < text.length) fail('unexpected text after the end');
  return root;
}

/** Every string in the tree that is a value (object keys are not visited), with the member key it is under. */
export function* stringValues(node: JsonNode, path: readonly string[] = []): Generator<[Extract<JsonNode, { kind: 'string' }>, readonly string[]]> {
  if (node.kind === 'string') yield [node, path];
  else if (node.kind === 'array') for (const item of node.items) yield* stringValues(item, path);
  else if (node.kind === 'object') for (const m of node.members) yield* stringValues(m.value, [...path, m.key.value]);
}
