import { ConfigError } from '../errors';

/**
 * Parses a configuration file. A syntax error names the file, line and column, never the text around it: V8's own
 * message quotes the file, token included, and gives no position for an unexpected token, hence the scanner below.
 */
export function parseJson(text: string, name: string): unknown {
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch {
    const before = json.slice(0, syntaxErrorOffset(json)).split('\n');
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new ConfigError(
      `${name} is not valid JSON (line ${before.length}, column ${column}). Fix it there: JSON allows no comments and no trailing commas.`,
    );
  }
}

/** Offset of the first syntax error in `text`, which JSON.parse has rejected. */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = (): void => {
    while (' \t\n\r'.includes(text[i] ?? 'x')) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') break;
      if (c === '\\') {
        i++;
        if (/^u[0-9a-fA-F]{4}/.test(text.slice(i, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    space();
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (open === '{') {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === close) return void i++;
        if (text[i] !== ',') fail();
        i++;
      }
    }
    if (open === '"') return string();
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (literal === null) fail();
    else i += literal[0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    throw error;
  }
  return i;
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
