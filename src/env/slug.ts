import { createHash } from 'node:crypto';

// A branch name becomes a DNS-1123 label (namespace `<prefix>-<slug>`, host `<slug>.<domain>`).
// Injective by construction: a name that already is a valid label, fits, and does not end like a
// hash suffix is kept as is; every other name (lossy to lowercase/replace, or too long) becomes
// `<readable part>-<hash of the original name>`, the readable part being `x` when nothing of the
// name is readable. Lossless slugs never end in a hash suffix and lossy ones always do, so two
// different names only collide if their 100-bit hashes do: too many bits to search for a
// collision, and the namespace and published folder record the full name, which kts compares.

export const DNS_LABEL_MAX = 63;
/** 20 base32 characters: 100 bits of SHA-256. */
const HASH_LEN = 20;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HASH_SUFFIX = new RegExp(`-[${BASE32}]{${HASH_LEN}}$`);

export function isDnsLabel(s: string, max = DNS_LABEL_MAX): boolean {
  return s.length <= max && DNS_LABEL.test(s);
}

/** Readable approximation: accents dropped, lowercase, every run of other characters one `-`. */
function readable(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function shortHash(name: string): string {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  let out = '';
  for (let i = 0; i < HASH_LEN; i++) {
    const bit = i * 5;
    const pair = (digest[bit >> 3]! << 8) | digest[(bit >> 3) + 1]!;
    out += BASE32[(pair >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/** Smallest room a slug needs: a readable character, the separator and the hash. */
export const MIN_SLUG_LENGTH = HASH_LEN + 2;

/**
 * The DNS-1123 label for `name`, at most `maxLength` characters (so that `<prefix>-<slug>` still
 * fits 63, pass `63 - prefix.length - 1`).
 */
export function branchSlug(name: string, maxLength = DNS_LABEL_MAX): string {
  if (maxLength < MIN_SLUG_LENGTH || maxLength > DNS_LABEL_MAX) {
    throw new RangeError(`slug length must be within ${MIN_SLUG_LENGTH}..${DNS_LABEL_MAX}, got ${maxLength}`);
  }
  if (isDnsLabel(name, maxLength) && !HASH_SUFFIX.test(name)) return name;
  const base = readable(name).slice(0, maxLength - HASH_LEN - 1).replace(/-+$/, '');
  return `${base || 'x'}-${shortHash(name)}`;
}

/** Room left for the slug in `<prefix>-<slug>`. */
export function slugRoom(prefix: string | undefined): number {
  return prefix ? DNS_LABEL_MAX - prefix.length - 1 : DNS_LABEL_MAX;
}
