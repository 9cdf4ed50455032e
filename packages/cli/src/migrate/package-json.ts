import { applyEdits, unrewritable, type Edit, type Note, type Rewrite } from './edits';
import { parseJson, stringValues, type JsonMember, type JsonNode } from './json';
import { COMMONS, isModuleLike, OFFICIAL_MENTION, ourModule, ourPackage } from './names';
import { lineOf } from './strings';
import { rewriteWords } from './words';

const DEPENDENCY_SECTIONS = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']);

export interface PackageJsonOptions {
  /** Our packages' version: dependencies on ours are written as `^version`. */
  version: string;
  /** Nothing in the project imports qase-javascript-commons, so a dependency on it goes. */
  dropCommons: boolean;
}

/**
 * A package.json with each official reporter in its dependencies swapped for ours (same section, same place),
 * official names in `scripts` (`mocha --reporter mocha-qase-reporter`) and in the `jest` and `mocha` keys changed,
 * and every other byte kept. Throws JsonSyntaxError when the file is not JSON.
 */
export function rewritePackageJson(text: string, options: PackageJsonOptions): Rewrite {
  const root = parseJson(text);
  if (root.kind !== 'object') return { text, notes: [] };
  const edits: Edit[] = [];
  const notes: Note[] = [];
  const sections = root.members.filter((m) => DEPENDENCY_SECTIONS.has(m.key.value) && m.value.kind === 'object');
  const declared = new Set(sections.flatMap((s) => (s.value.kind === 'object' ? s.value.members.map((m) => m.key.value) : [])));

  for (const section of sections) {
    const object = section.value as Extract<JsonNode, { kind: 'object' }>;
    const removed = new Set<number>();
    object.members.forEach((member, index) => {
      const official = member.key.value;
      const ours = ourPackage(official);
      if (official === COMMONS) {
        if (options.dropCommons) removed.add(index);
        else notes.push({ line: lineOf(text, member.key.start), message: `${COMMONS} stays: code here imports it (see the notes on those lines); remove it when nothing does` });
      } else if (ours && declared.has(ours)) {
        removed.add(index);
      } else if (ours) {
        edits.push({ start: member.key.start + 1, end: member.key.end - 1, text: ours });
        if (member.value.kind === 'string') edits.push({ start: member.value.start + 1, end: member.value.end - 1, text: `^${options.version}` });
      }
    });
    edits.push(...removals(object, removed));
  }

  for (const [node, path] of stringValues(root)) {
    const raw = text.slice(node.start + 1, node.end - 1);
    if (path[0] === 'scripts') {
      const words = rewriteWords(raw);
      if (words.text !== raw) edits.push({ start: node.start + 1, end: node.end - 1, text: words.text });
      for (const word of words.unknown) notes.push({ line: lineOf(text, node.start), message: unrewritable(word, false) });
    } else if (ourModule(node.value)) {
      edits.push({ start: node.start + 1, end: node.end - 1, text: ourModule(node.value)! });
    } else if (isModuleLike(node.value) && !DEPENDENCY_SECTIONS.has(path[0] ?? '')) {
      notes.push({ line: lineOf(text, node.start), message: unrewritable(node.value, false) });
    }
  }
  // Keys elsewhere (`overrides`, `resolutions`, `peerDependenciesMeta`) that name an official package.
  for (const key of keys(root)) {
    const inSection = sections.some((s) => s.value.start < key.start && key.start < s.value.end);
    if (!inSection && OFFICIAL_MENTION.test(key.value)) notes.push({ line: lineOf(text, key.start), message: unrewritable(key.value, false) });
  }
  return { text: applyEdits(text, edits), notes: notes.sort((a, b) => a.line - b.line) };
}

// Removes members with their separators, so the object stays valid JSON and keeps its layout: a run of removed
// members goes up to the next kept member's key, or, at the end of the object, from the previous member's value.
function removals(object: Extract<JsonNode, { kind: 'object' }>, removed: ReadonlySet<number>): Edit[] {
  const members: JsonMember[] = object.members;
  if (removed.size === 0) return [];
  if (removed.size === members.length) return [{ start: object.start + 1, end: object.end - 1, text: '' }];
  const edits: Edit[] = [];
  for (let first = 0; first < members.length; first += 1) {
    if (!removed.has(first)) continue;
    let last = first;
    while (removed.has(last + 1)) last += 1;
    const after = members[last + 1];
    edits.push(after
      ? { start: members[first]!.key.start, end: after.key.start, text: '' }
      : { start: members[first - 1]!.value.end, end: members[last]!.value.end, text: '' });
    first = last;
  }
  return edits;
}

function* keys(node: JsonNode): Generator<Extract<JsonNode, { kind: 'string' }>> {
  if (node.kind === 'array') for (const item of node.items) yield* keys(item);
  else if (node.kind === 'object') {
    for (const member of node.members) {
      yield member.key;
      yield* keys(member.value);
    }
  }
}
