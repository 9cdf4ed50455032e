// A unified diff of two versions of one file, as `diff -u` and `git diff` print it (three lines of context), so
// `--dry-run`'s output can be read as a review and applied with `git apply`.

const CONTEXT = 3;

interface Line {
  op: ' ' | '-' | '+';
  text: string;
  /** The last line of a file that has no newline at its end: git marks it. */
  unterminated: boolean;
}

/** The unified diff turning `before` into `after`, with `path` in the `a/` and `b/` headers; '' when equal. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const lines = compare(split(before), split(after));
  let out = `--- a/${path}\n+++ b/${path}\n`;
  for (const [from, to] of hunks(lines)) {
    const slice = lines.slice(from, to);
    const old = lines.slice(0, from).filter((l) => l.op !== '+').length;
    const now = lines.slice(0, from).filter((l) => l.op !== '-').length;
    const oldCount = slice.filter((l) => l.op !== '+').length;
    const newCount = slice.filter((l) => l.op !== '-').length;
    out += `@@ -${range(old, oldCount)} +${range(now, newCount)} @@\n`;
    for (const line of slice) out += `${line.op}${line.text}\n${line.unterminated ? '\\ No newline at end of file\n' : ''}`;
  }
  return out;
}

function range(before: number, count: number): string {
  // An empty side names the line before the hunk, as diff does (`-0,0` for an insertion at the top).
  const start = count === 0 ? before : before + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}

interface Side {
  lines: string[];
  /** The file ends without a newline (and is not empty). */
  unterminated: boolean;
}

function split(text: string): Side {
  const lines = text.split('\n');
  const unterminated = lines.at(-1) !== '';
  if (!unterminated) lines.pop();
  return { lines, unterminated: unterminated && text !== '' };
}

/** [start, end) ranges of `lines` to print: each change with its context, overlapping ranges merged. */
function hunks(lines: readonly Line[]): [number, number][] {
  const ranges: [number, number][] = [];
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    const from = Math.max(0, index - CONTEXT);
    const to = Math.min(lines.length, index + CONTEXT + 1);
    const last = ranges.at(-1);
    if (last && from <= last[1]) last[1] = to;
    else ranges.push([from, to]);
  });
  return ranges;
}

/** The lines of both sides in order, each kept, removed or added: Myers' shortest edit script. */
function compare(a: Side, b: Side): Line[] {
  const n = a.lines.length;
  const m = b.lines.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  // Equal lines are compared with the end-of-file newline, so a line that only gains or loses it is a change.
  const same = (x: number, y: number) =>
    a.lines[x] === b.lines[y] && (x === n - 1 && a.unterminated) === (y === m - 1 && b.unterminated);
  let done = false;
  for (let d = 0; d <= n + m && !done; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(x, y)) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  const line = (op: Line['op'], side: Side, index: number): Line => ({
    op,
    text: side.lines[index]!,
    unterminated: side.unterminated && index === side.lines.length - 1,
  });
  const out: Line[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const before = trace[d]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && before[offset + k - 1]! < before[offset + k + 1]!) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : before[offset + previousK]!;
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      x -= 1;
      y -= 1;
      out.push(line(' ', a, x));
    }
    if (d > 0) {
      if (x === previousX) out.push(line('+', b, (y -= 1)));
      else out.push(line('-', a, (x -= 1)));
    }
  }
  return out.reverse();
}
