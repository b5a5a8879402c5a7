// go-yaml v2 sorts map keys with a "natural" order (sorter.go keyList.Less): letters compare by
// code point, a non-letter sorts before a letter, and runs of digits compare as numbers. Output
// order must match it byte for byte, so this is a direct port for string keys.

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const isLetter = (c: string): boolean => LETTER.test(c);
const isDigit = (c: string): boolean => DIGIT.test(c);

function lessRunes(ar: string[], br: string[]): boolean {
  const n = Math.min(ar.length, br.length);
  for (let i = 0; i < n; i++) {
    const a = ar[i]!;
    const b = br[i]!;
    if (a === b) continue;
    const al = isLetter(a);
    const bl = isLetter(b);
    if (al && bl) return a.codePointAt(0)! < b.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (a === '0' || b === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return a.codePointAt(0)! < b.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/**
 * Comparator for Array.prototype.sort giving go-yaml v2's key order. For keys of ASCII letters,
 * '.', '/' and '-' only, that is plain code-point order (those punctuation marks sort before
 * letters in ASCII too), which callers may use directly.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return lessRunes([...a], [...b]) ? -1 : 1;
}
