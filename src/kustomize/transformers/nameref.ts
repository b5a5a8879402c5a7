// Name-reference fixing (kustomize api/filters/nameref, api/internal/accumulator/
// namereferencetransformer.go): after prefixes, suffixes, namespaces or hashes changed names,
// rewrite every field that refers to a resource by one of its previous names. Candidates are
// found through an index of previous names, so the pass stays linear in the number of resources.

import { KtsError } from '../../errors.js';
import type { NameBackReference } from '../fieldspec/defaults.js';
import type { FieldSpec, Gvk } from '../fieldspec/fieldspec.js';
import { applyFieldSpec, gvkSelects } from '../fieldspec/fieldspec.js';
import type { Json, JsonObject, ResId, Resource } from '../resource.js';
import { formatId, idOf } from '../resource.js';
import { resIdString } from '../resmap.js';
import { orgId, previousIds } from './ids.js';
import { effectiveNamespace, isClusterScoped } from './scope.js';

interface RefFilter {
  /** The referring field (path only; the referrer was selected by the spec's gvk). */
  field: FieldSpec;
  /** The kind of resource the field names. */
  target: Gvk;
}

interface Index {
  byPreviousName: Map<string, Resource[]>;
  byOriginalNamespace: Map<string, Resource[]>;
  byCurrentNamespace: Map<string, Resource[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function buildIndex(resources: readonly Resource[]): Index {
  const index: Index = { byPreviousName: new Map(), byOriginalNamespace: new Map(), byCurrentNamespace: new Map() };
  for (const res of resources) {
    res.previous.forEach((id, i) => {
      // each resource once per name, even when several earlier ids share it
      if (res.previous.findIndex((p) => p.name === id.name) === i) push(index.byPreviousName, id.name, res);
    });
    const org = orgId(res);
    if (!isClusterScoped(org)) push(index.byOriginalNamespace, effectiveNamespace(org), res);
    const cur = idOf(res.obj);
    if (!isClusterScoped(cur)) push(index.byCurrentNamespace, effectiveNamespace(cur), res);
  }
  return index;
}

/**
 * Rewrites name references in place (returns the same list), following the back-references of
 * the transformer config (`nameReference`). Fails when a reference is ambiguous.
 */
export function fixNameReferences(resources: Resource[], backRefs: readonly NameBackReference[]): Resource[] {
  const filters = new Map<Resource, RefFilter[]>();
  const orgIds = resources.map(orgId);
  // most referrer specs name a kind: only look at resources of that kind
  const byKind = new Map<string, number[]>();
  orgIds.forEach((id, i) => push(byKind, id.kind, i));
  const all = resources.map((_, i) => i);
  for (const backRef of backRefs) {
    const target: Gvk = { group: backRef.group, version: backRef.version, kind: backRef.kind };
    for (const spec of backRef.fieldSpecs) {
      for (const i of spec.kind ? (byKind.get(spec.kind) ?? []) : all) {
        if (!gvkSelects(spec, orgIds[i]!)) continue;
        const res = resources[i]!;
        const list = filters.get(res) ?? [];
        list.push({ field: { path: spec.path }, target });
        filters.set(res, list);
      }
    }
  }
  if (filters.size === 0) return resources;
  const index = buildIndex(resources);
  for (const [referrer, list] of filters) {
    const ctx = new Referrer(referrer, index);
    for (const f of list) ctx.fix(f);
  }
  return resources;
}

/**
 * Namespaces of ServiceAccount subjects of a RoleBinding: resources there may be referred to.
 * A `namespace:` key that is there but holds no string is an error, as in kustomize
 * (resWrangler.getNamespacesForRoleBinding); an absent one is fine.
 */
function roleBindingNamespaces(res: Resource): Set<string> {
  const out = new Set<string>();
  if (res.obj.kind !== 'RoleBinding' || !Array.isArray(res.obj.subjects)) return out;
  for (const s of res.obj.subjects) {
    if (!isObject(s) || s.kind !== 'ServiceAccount' || !('namespace' in s)) continue;
    if (typeof s.namespace !== 'string') {
      throw new KtsError('namereference', `Invalid Input: namespace is blank for resource "${resIdString(idOf(res.obj))}"`, { field: 'subjects' });
    }
    out.add(s.namespace);
  }
  return out;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameEndingSubSlice(a: readonly string[], b: readonly string[]): boolean {
  const [shortest, longest] = a.length > b.length ? [b, a] : [a, b];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  for (let i = shortest.length - 1; i >= 0; i--) if (longest[i + diff] !== shortest[i]) return false;
  return true;
}

function prefixesSuffixesEqual(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  const rp = r.namePrefixes ?? [];
  const op = o.namePrefixes ?? [];
  const rs = r.nameSuffixes ?? [];
  const os = o.nameSuffixes ?? [];
  if (allowEmpty) {
    return (rp.length === 0 || op.length === 0 || sameEndingSubSlice(rp, op)) && (rs.length === 0 || os.length === 0 || sameEndingSubSlice(rs, os));
  }
  return sameEndingSubSlice(rp, op) && sameEndingSubSlice(rs, os);
}

const nameOf = (r: Resource): string => idOf(r.obj).name;
const namespaceOf = (r: Resource): string => idOf(r.obj).namespace;

class Referrer {
  private readonly cur: ResId;
  private readonly rbNamespaces: Set<string>;
  private field: FieldSpec = { path: '' };
  private target: Gvk = {};

  constructor(
    private readonly res: Resource,
    private readonly index: Index,
  ) {
    this.cur = idOf(res.obj);
    this.rbNamespaces = roleBindingNamespaces(res);
  }

  fix(f: RefFilter): void {
    this.field = f.field;
    this.target = f.target;
    try {
      applyFieldSpec(this.res.obj, f.field, (value) => this.set(value));
    } catch (e) {
      if (e instanceof KtsError) {
        throw new KtsError('namereference', `updating name reference in '${f.field.path}' field of '${formatId(this.cur)}': ${e.message}`, {
          field: f.field.path,
        });
      }
      throw e;
    }
  }

  /**
   * What select's first sieve (an earlier id of the target's gvk) needs, tested on kinds alone
   * before any id is made: most names are shared by an app's Deployment, Service, ConfigMap...
   */
  private mayBeTarget(r: Resource): boolean {
    const kind = this.target.kind;
    return !kind || r.previous.some((id) => id.kind === kind);
  }

  /** Whether `r` is in the subset of resources this referrer may refer to (SubsetThatCouldBeReferencedByResource). */
  private couldRefer(r: Resource): boolean {
    if (isClusterScoped(this.cur)) return true;
    const id = idOf(r.obj);
    if (isClusterScoped(id)) return true;
    if (effectiveNamespace(id) === effectiveNamespace(this.cur)) return true;
    return this.rbNamespaces.has(id.namespace);
  }

  /** Fixes the reference(s) at a field: returns a scalar's new value; maps and lists change in place. */
  private set(value: Json | undefined): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const el = value[i]!;
        if (isObject(el)) this.setMapping(el);
        else if (el !== null) {
          const next = this.newName(String(el));
          if (next !== undefined) value[i] = next;
        }
      }
      return undefined;
    }
    if (isObject(value)) {
      this.setMapping(value);
      return undefined;
    }
    return this.newName(String(value));
  }

  /** The referral's new name for a scalar reference, or undefined to leave it. */
  private newName(oldName: string): string | undefined {
    const candidates = (this.index.byPreviousName.get(oldName) ?? []).filter((r) => this.mayBeTarget(r) && this.couldRefer(r));
    const referral = this.select(candidates, (rs) => rs.every((r) => nameOf(r) === nameOf(rs[0]!)));
    if (!referral || nameOf(referral) === oldName) return undefined;
    return nameOf(referral);
  }

  private setMapping(node: JsonObject): void {
    if (!('name' in node)) throw new KtsError('namereference', 'path config error; no \'name\' field in node', { field: this.field.path });
    const oldName = node.name === null ? '' : String(node.name);
    let candidates = (this.index.byPreviousName.get(oldName) ?? []).filter((r) => this.mayBeTarget(r) && this.couldRefer(r));
    if ('namespace' in node) {
      const ns = node.namespace === null ? '' : String(node.namespace);
      const inOriginal = (this.index.byOriginalNamespace.get(ns) ?? []).some((r) => this.couldRefer(r));
      candidates = inOriginal
        ? candidates.filter((r) => !isClusterScoped(orgId(r)) && effectiveNamespace(orgId(r)) === ns)
        : candidates.filter((r) => {
            const id = idOf(r.obj);
            return !isClusterScoped(id) && effectiveNamespace(id) === ns;
          });
    }
    const referral = this.select(candidates, (rs) => rs.every((r) => nameOf(r) === nameOf(rs[0]!) && namespaceOf(r) === namespaceOf(rs[0]!)));
    if (!referral) return;
    const name = nameOf(referral);
    const namespace = namespaceOf(referral);
    if (name === oldName && namespace === '') return;
    node.name = name;
    if (namespace !== '') node.namespace = namespace;
  }

  /** kustomize selectReferral: sieve the candidates until one (or several identical) remain. */
  private select(candidates: Resource[], identical: (rs: Resource[]) => boolean): Resource | undefined {
    const target = this.target;
    let rs = candidates.filter((r) => previousIds(r).some((id) => gvkSelects(target, id)));
    const roleRef = this.roleRefGvk();
    if (roleRef) rs = rs.filter((r) => previousIds(r).some((id) => gvkSelects(roleRef, id)));
    if (!isClusterScoped(this.cur)) {
      rs = rs.filter((r) => {
        const id = idOf(r.obj);
        return isClusterScoped(id) || id.kind === 'ServiceAccount' || effectiveNamespace(id) === effectiveNamespace(this.cur);
      });
    }
    if (rs.length === 1) return rs[0];
    rs = rs.filter((r) => prefixesSuffixesEqual(r, this.res, true));
    if (rs.length > 1) rs = rs.filter((r) => prefixesSuffixesEqual(r, this.res, false));
    if (rs.length === 1) return rs[0];
    if (rs.length === 0) return undefined;
    if (identical(rs)) return rs[0];
    throw new KtsError(
      'namereference',
      `found multiple possible referrals: ${rs.map((r) => formatId(idOf(r.obj))).join(', ')}`,
      { field: this.field.path },
    );
  }

  /** For roleRef/name fields, the gvk named by roleRef.apiGroup/kind. */
  private roleRefGvk(): Gvk | undefined {
    if (!this.field.path.endsWith('roleRef/name')) return undefined;
    const roleRef = this.res.obj.roleRef;
    if (!isObject(roleRef) || typeof roleRef.apiGroup !== 'string' || typeof roleRef.kind !== 'string') return undefined;
    return { group: roleRef.apiGroup, kind: roleRef.kind };
  }
}
