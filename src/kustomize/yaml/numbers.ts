// Numbers reach kustomize's output through Go: float64 -> encoding/json -> go-yaml v2, which
// prints integral values as integers and everything else with strconv's shortest 'g' format.

/** A JSON number as go-yaml v2 prints it after a JSON round trip. */
export function goFloat(v: number): string {
  // encoding/json writes an integral float64 below 1e21 with its shortest digits, as String()
  // does (2^63 is 9223372036854776000); go-yaml v2 reads that back as an integer where it fits
  // an int64 or uint64, and prints it unchanged; larger ones become floats.
  if (Number.isInteger(v) && Math.abs(v) < 1e21) {
    if (Object.is(v, -0)) return '0';
    if (Number.isSafeInteger(v)) return String(v);
    const text = String(v);
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n < 2n ** 64n) return text;
  }
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  return formatFloatG(v);
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) of a finite number (what go-yaml v3 writes for a float64). */
export function formatFloatG(v: number): string {
  // -0 comes from an int (`-0` reads as 0 in Go)
  if (Object.is(v, -0)) return '0';
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(v);
}
