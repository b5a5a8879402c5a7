import type { Json, JsonObject } from '../kustomize/resource.js';

// Secret values never reach a diff: like `kubectl diff`, every value of a Secret's `data` and
// `stringData` is replaced by a marker, and a value that differs gets distinct before/after
// markers, so a change is visible without its content.

const SECRET_FIELDS = ['data', 'stringData'] as const;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const isSecret = (o: JsonObject | undefined): boolean => o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
const asMap = (v: Json | undefined): JsonObject | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);

function withoutLastApplied(obj: JsonObject): JsonObject {
  const meta = asMap(obj.metadata);
  const annotations = asMap(meta?.annotations);
  if (!annotations || !(LAST_APPLIED in annotations)) return obj;
  const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
  return { ...obj, metadata: { ...meta, annotations: rest } };
}

/** Returns copies of a before/after pair with Secret values masked (other kinds pass through). */
export function maskSecrets(before: JsonObject | undefined, after: JsonObject | undefined): [JsonObject | undefined, JsonObject | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  // The last-applied annotation holds the whole Secret, values included.
  let b = before && withoutLastApplied(before);
  let a = after && withoutLastApplied(after);
  for (const field of SECRET_FIELDS) {
    const bv = asMap(b?.[field]);
    const av = asMap(a?.[field]);
    if (!bv && !av) continue;
    const bm: JsonObject = {};
    const am: JsonObject = {};
    for (const key of new Set([...Object.keys(bv ?? {}), ...Object.keys(av ?? {})])) {
      const same = bv !== undefined && av !== undefined && key in bv && key in av && bv[key] === av[key];
      if (bv && key in bv) bm[key] = same ? '***' : '*** (before)';
      if (av && key in av) am[key] = same ? '***' : '*** (after)';
    }
    if (b && bv) b = { ...b, [field]: bm };
    if (a && av) a = { ...a, [field]: am };
  }
  return [b, a];
}
