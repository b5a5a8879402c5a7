// kustomize writes every resource it reads back out with go-yaml v3's emitter and reads it again.
// For a folded scalar (`>`) that emitter, a port of libyaml's, looks at the start of the whole
// value where libyaml looks at the start of the next line when it decides whether a line break
// needs an empty line after it. If the value does not start with a blank, it writes one after
// every line that does not start with a blank: read back, such a line followed (after any empty
// lines) by a more-indented one, or ending the value under keep chomping, gains a line break. If
// the value starts with a blank, it writes none: two such lines one break apart are read back
// joined by a space, and further apart lose one break. This gives the value kustomize ends up with.

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/** The folded scalar `value` (as YAML reads it) after kustomize's write-and-read. */
export function foldedAsKustomizeReads(value: string): string {
  let k = 0;
  while (k < value.length && isBreak(value.charCodeAt(k))) k++;
  if (k === value.length) return value;
  // The emitter falls back to double quotes (which keep the value) where block style is not allowed.
  if (value.endsWith(' ') || / [\n\r\x85\u2028\u2029]/.test(value)) return value;
  const spaced = !isBlank(value.charCodeAt(k));
  const lines = value.split('\n');
  let out = '';
  let prev = -1; // index of the previous non-empty line
  const normal = (line: string): boolean => !isBlank(line.charCodeAt(0));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    if (prev < 0) out += '\n'.repeat(i);
    else {
      const m = i - prev;
      if (!normal(lines[prev]!)) out += '\n'.repeat(m);
      else if (!normal(line)) out += '\n'.repeat(spaced ? m + 1 : m);
      else out += spaced ? '\n'.repeat(m) : m === 1 ? ' ' : '\n'.repeat(m - 1);
    }
    out += line;
    prev = i;
  }
  const m = lines.length - 1 - prev; // line breaks after the last line
  return out + '\n'.repeat(spaced && m >= 2 && normal(lines[prev]!) ? m + 1 : m);
}
