// Kubernetes resource quantities (`500m`, `1Gi`, `2e3`): parsed to numbers for comparisons and
// printed back in the canonical form the API server uses in its messages.

import type { Json } from '../../src/kustomize/resource.js';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity, or undefined when it is not one. */
export function parseQuantity(q: Json | undefined): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

/** The canonical form: `0`, `500m`, `2`, `1536Mi`, `1Gi`, `100M`. */
export function formatQuantity(value: number, binary: boolean): string {
  if (value === 0) return '0';
  if (binary && Number.isInteger(value)) {
    for (const [suffix, f] of Object.entries(BINARY).reverse()) if (value % f === 0) return `${value / f}${suffix}`;
    return String(value);
  }
  if (Number.isInteger(value)) {
    for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) if (value % DECIMAL[suffix]! === 0) return `${value / DECIMAL[suffix]!}${suffix}`;
    return String(value);
  }
  const milli = Math.round(value * 1000);
  return Math.abs(milli - value * 1000) < 1e-6 ? `${milli}m` : `${Math.round(value * 1e9)}n`;
}

/** Whether a resource is counted in bytes (printed with binary suffixes). */
export function isBinaryResource(name: string): boolean {
  return /memory|storage/.test(name);
}
