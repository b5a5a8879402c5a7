// Which plain scalars mean something other than a string. Two Go YAML libraries are involved:
// kustomize reads with go-yaml v3 (YAML 1.2-ish: only true/false are booleans) and prints with
// go-yaml v2 (YAML 1.1: yes/no/on/off/y/n are booleans too, so such strings get quoted).

const V2_SPECIAL = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);

const INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const pad = (v: string | number, n = 2): string => String(v).padStart(n, '0');

/**
 * A timestamp as go-yaml v3 reads it (a time.Time) and encoding/json writes it: RFC 3339 with
 * nanoseconds, zero-padded, trailing zeros of the fraction dropped, `Z` for a zero offset, UTC
 * where the text has no zone (kubectl kustomize prints `2001-12-14` as "2001-12-14T00:00:00Z").
 */
function rfc3339(s: string): string {
  const date = DATE.exec(s);
  if (date) return `${date[1]}-${pad(date[2]!)}-${pad(date[3]!)}T00:00:00Z`;
  const dt = DATE_TIME.exec(s)!;
  const fraction = (dt[7] ?? '').slice(1, 10).replace(/0+$/, '');
  const zone = dt[8] === undefined || dt[8] === 'Z' || /^[+-]00:00$/.test(dt[8]) ? 'Z' : dt[8];
  return `${dt[1]}-${pad(dt[2]!)}-${pad(dt[3]!)}T${pad(dt[4]!)}:${pad(dt[5]!)}:${pad(dt[6]!)}${fraction ? `.${fraction}` : ''}${zone}`;
}

/** go-yaml's parseTimestamp over the formats it accepts (time.Parse layouts). */
function isTimestamp(s: string): boolean {
  const date = DATE.exec(s);
  if (date) return validDate(+date[1]!, +date[2]!, +date[3]!);
  const dt = DATE_TIME.exec(s);
  if (!dt) return false;
  // a 'T' form needs a zone, a space form must not have one
  const spaced = s.charAt(dt[1]!.length + dt[2]!.length + dt[3]!.length + 2) === ' ';
  if (spaced === (dt[8] !== undefined)) return false;
  return validDate(+dt[1]!, +dt[2]!, +dt[3]!) && +dt[4]! < 24 && +dt[5]! < 60 && +dt[6]! < 60;
}

const INT64_MAX = 2n ** 63n;
const UINT64_MAX = 2n ** 64n;

/** Go's strconv.ParseInt(s, 0, 64) prefixes: sign, then 0x / 0o / 0b / leading-0 octal. */
function splitRadix(text: string): { neg: boolean; radix: number; digits: string } {
  const neg = text.startsWith('-');
  const body = text.replace(/^[-+]/, '');
  if (/^0[xX]/.test(body)) return { neg, radix: 16, digits: body.slice(2) };
  if (/^0[oO]/.test(body)) return { neg, radix: 8, digits: body.slice(2) };
  if (/^0[bB]/.test(body)) return { neg, radix: 2, digits: body.slice(2) };
  if (body.length > 1 && body.startsWith('0')) return { neg, radix: 8, digits: body.slice(1) };
  return { neg, radix: 10, digits: body };
}

/** Whether Go would parse the text as an int64 (or, for positives, uint64) rather than a float. */
function intFits(text: string): boolean {
  // 18 digits or fewer (after a sign) fit in any base
  if (text.length <= 18) return true;
  const { neg, radix, digits } = splitRadix(text);
  let n = 0n;
  for (const ch of digits) n = n * BigInt(radix) + BigInt(parseInt(ch, radix));
  return neg ? n <= INT64_MAX : n < UINT64_MAX;
}

/** go-yaml v2 resolve(): true when a plain scalar with this text would be read back as a string. */
export function plainResolvesToString(s: string): boolean {
  // (the special words have at most 5 characters: a longer string is not hashed for the lookup)
  if (s.length <= 5 && V2_SPECIAL.has(s)) return false;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) return !DOT_FLOAT.test(s) || !Number.isFinite(Number(s));
  const signOrDigit = c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39);
  if (!signOrDigit) return true;
  if (isTimestamp(s)) return false;
  const plain = s.replace(/_/g, '');
  if (INT.test(plain) && intFits(plain)) return false;
  if (YAML_FLOAT.test(plain)) return !Number.isFinite(Number(plain));
  return !BASE60_FLOAT.test(s);
}

export type Scalar = null | boolean | number | bigint | string;

const V2_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const V2_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** The value of a plain scalar as go-yaml v2 decodes it (YAML 1.1: yes/no/on/off/y/n are booleans). */
export function resolvePlainV2(s: string): Scalar {
  if (V2_TRUE.has(s)) return true;
  if (V2_FALSE.has(s)) return false;
  const v = resolvePlainV3(s);
  // go-yaml v2 leaves a timestamp decoded into interface{} as its text (v3 rewrites it)
  return typeof v === 'string' && v !== s ? s : v;
}

/** The value of a plain (unquoted, untagged) scalar as go-yaml v3 decodes it into JSON. */
export function resolvePlainV3(s: string): Scalar {
  // (the special words have at most 5 characters)
  if (s.length <= 5) {
    switch (s) {
      case '': case '~': case 'null': case 'Null': case 'NULL':
        return null;
      case 'true': case 'True': case 'TRUE':
        return true;
      case 'false': case 'False': case 'FALSE':
        return false;
      case '.inf': case '.Inf': case '.INF': case '+.inf': case '+.Inf': case '+.INF':
        return Infinity;
      case '-.inf': case '-.Inf': case '-.INF':
        return -Infinity;
      case '.nan': case '.NaN': case '.NAN':
        return NaN;
    }
  }
  const c = s.charCodeAt(0);
  if (c === 0x2e) return DOT_FLOAT.test(s) ? parseGoFloat(s, s) : s;
  if (!(c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39))) return s;
  if (isTimestamp(s)) return rfc3339(s);
  const plain = s.replace(/_/g, '');
  if (INT.test(plain) && intFits(plain)) return parseGoInt(plain);
  if (YAML_FLOAT.test(plain)) return parseGoFloat(plain, s);
  return s;
}

/** A decimal integer without leading zeros: up to 15 characters, it is exact as a number. */
const SHORT_DECIMAL = /^[-+]?(?:0|[1-9][0-9]*)$/;

/** An int64/uint64 as a number, or a bigint where a number would lose digits. */
function parseGoInt(text: string): number | bigint {
  if (text.length <= 15 && SHORT_DECIMAL.test(text)) return Number(text);
  const { neg, radix, digits } = splitRadix(text);
  const n = parseInt(digits, radix);
  if (n <= Number.MAX_SAFE_INTEGER) return neg ? -n : n;
  const big = BigInt(radix === 10 ? digits : `0${'xob'[[16, 8, 2].indexOf(radix)]}${digits}`);
  return neg ? -big : big;
}

/** Go's strconv.ParseFloat fails on a number out of float64's range (go-yaml then keeps the text). */
const parseGoFloat = (s: string, text: string): number | string => {
  const v = Number(s);
  return Number.isFinite(v) ? v : text;
};
