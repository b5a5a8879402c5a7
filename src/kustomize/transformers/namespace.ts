// NamespaceTransformer (kustomize api/filters/namespace + plugin/builtin/namespacetransformer):
// sets metadata.namespace on namespaced resources, the namespace fields the config lists, and
// the namespace of RoleBinding/ClusterRoleBinding subjects per `setRoleBindingSubjects`.

import { KtsError } from '../../errors.js';
import type { FieldSpec, Setter } from '../fieldspec/fieldspec.js';
import { applyFieldSpec, applyFieldSpecs, expectScalar, FieldSpecError, objGvk } from '../fieldspec/fieldspec.js';
import type { Json, JsonObject, Resource } from '../resource.js';
import { formatId, idKey, idOf } from '../resource.js';
import { storePreviousId } from './ids.js';
import { effectiveNamespace, isClusterScoped } from './scope.js';

export type RoleBindingSubjectMode = 'defaultOnly' | 'allServiceAccounts' | 'none' | '';

export interface NamespaceConfig {
  namespace: string;
  /** Extra namespace fields (the kustomization field uses the `namespace` transformer config). */
  fieldSpecs: readonly FieldSpec[];
  /** Only fill namespace fields that are empty or missing. */
  unsetOnly?: boolean;
  /** Which (Cluster)RoleBinding subjects get the namespace; '' means defaultOnly. */
  setRoleBindingSubjects?: RoleBindingSubjectMode;
}

const MODES = ['defaultOnly', 'allServiceAccounts', 'none', ''];

/**
 * Applies the namespace to every resource (in place; returns the same list). Records each
 * resource's previous id, and fails when two resources end up with the same id.
 */
export function transformNamespace(resources: Resource[], cfg: NamespaceConfig): Resource[] {
  if (!cfg.namespace) return resources;
  const mode = cfg.setRoleBindingSubjects ?? '';
  if (!MODES.includes(mode)) {
    throw new KtsError(
      'namespace',
      `invalid value "${mode}" for setRoleBindingSubjects: must be one of "defaultOnly", "none" or "allServiceAccounts"`,
      { field: 'setRoleBindingSubjects' },
    );
  }
  const set: Setter = (value) => {
    expectScalar(value, 'namespace');
    if (cfg.unsetOnly && typeof value === 'string' && value !== '') return undefined;
    return cfg.namespace;
  };
  for (const res of resources) {
    if (Object.keys(res.obj).length === 0) continue;
    storePreviousId(res);
    setNamespace(res.obj, cfg, mode, set);
  }
  // ids compare by effective namespace ('' and 'default' are the same), as kustomize's ResId.Equals
  const seen = new Set<string>();
  for (const res of resources) {
    const id = idOf(res.obj);
    const key = idKey({ ...id, namespace: effectiveNamespace(id) });
    if (seen.has(key)) {
      throw new KtsError('namespace', `namespace transformation produces ID conflict: ${formatId(idOf(res.obj))}`);
    }
    seen.add(key);
  }
  return resources;
}

function setNamespace(obj: JsonObject, cfg: NamespaceConfig, mode: RoleBindingSubjectMode, set: Setter): void {
  const gvk = objGvk(obj);
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  // metadata.namespace is handled here, never through the config: cluster-scoped kinds must not get
  // one; metadata.name is only a namespace field on core v1 Namespaces.
  let specs = cfg.fieldSpecs.filter((fs) => fs.path !== 'metadata/namespace' && (apiVersion === 'v1' || fs.path !== 'metadata/name'));
  if (!isClusterScoped(gvk)) applyFieldSpec(obj, { path: 'metadata/namespace', create: true }, set, 'scalar');
  if (gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') {
    specs = specs.filter((fs) => !((fs.kind === 'RoleBinding' || fs.kind === 'ClusterRoleBinding') && fs.path === 'subjects/namespace'));
    setSubjects(obj, mode, set);
  }
  try {
    applyFieldSpecs(obj, specs, set, 'scalar');
  } catch (e) {
    if (e instanceof FieldSpecError && e.actualKind !== 'ScalarNode') {
      throw new KtsError(
        'namespace',
        `namespace field specs must target scalar nodes: considering field '${e.field}' of object ${formatId(idOf(obj))}: ${e.message}`,
        { field: e.field },
      );
    }
    throw e;
  }
}

function setSubjects(obj: JsonObject, mode: RoleBindingSubjectMode, set: Setter): void {
  if (mode === 'none') return;
  const subjects = obj.subjects;
  if (subjects === undefined || subjects === null) return;
  if (!Array.isArray(subjects)) {
    throw new KtsError('namespace', `setting namespace on (cluster)role binding subjects: subjects of ${formatId(idOf(obj))} is not a list`, {
      field: 'subjects',
    });
  }
  subjects.forEach((subject, i) => {
    if (!isObject(subject)) return;
    const selected = mode === 'allServiceAccounts' ? subject.kind === 'ServiceAccount' : subject.name === 'default';
    if (!selected) return;
    const next = set(subject.namespace ?? undefined, ['subjects', i, 'namespace']);
    if (next !== undefined) subject.namespace = next;
  });
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
