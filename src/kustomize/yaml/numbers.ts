// Numbers reach kustomize's output through Go: float64 -> encoding/json -> go-yaml v2, which
// prints integral values as integers and everything else with strconv's shortest 'g' format.

/** A JSON number as go-yaml v2 prints it after a JSON round trip. */
export function goFloat(v: number): string {
  // JSON integers go-yaml v2 can hold as int64/uint64 stay integers; larger ones become floats.
  if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 64) return Object.is(v, -0) ? '0' : BigInt(v).toString();
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
