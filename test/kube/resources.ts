// What the test server serves: the built-in kinds the example app uses, plus the custom
// resources of CustomResourceDefinitions once they are Established. Also the discovery
// documents (legacy and aggregated) and the OpenAPI v3 index kubectl reads before applying.

import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** The resource name in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** e.g. `all` (what `kubectl get all` lists). */
  categories: string[];
  /** Has a `/scale` subresource (autoscaling/v1 Scale over spec.replicas). */
  scale: boolean;
  /** Has a `/status` subresource: writes to the main resource keep the stored status. */
  status: boolean;
  /** Tracks metadata.generation (bumped when anything but metadata and status changes). */
  generation: boolean;
  /** Served from a CustomResourceDefinition. */
  custom: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function t(
  gv: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[] = [],
  flags: { status?: boolean; generation?: boolean; all?: boolean; scale?: boolean } = {},
): ResourceType {
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  return {
    group: group!,
    version: version!,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: flags.all ? ['all'] : [],
    scale: flags.scale ?? false,
    status: flags.status ?? false,
    generation: flags.generation ?? false,
    custom: false,
  };
}

const S = { status: true };
const SG = { status: true, generation: true };
const ALL = { status: true, all: true };
const WORKLOAD = { status: true, generation: true, all: true };
const SCALED = { ...WORKLOAD, scale: true };

export const BUILTIN: readonly ResourceType[] = [
  t('v1', 'Namespace', 'namespaces', false, ['ns'], S),
  t('v1', 'ConfigMap', 'configmaps', true, ['cm']),
  t('v1', 'Secret', 'secrets', true),
  t('v1', 'Service', 'services', true, ['svc'], ALL),
  t('v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']),
  t('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], S),
  t('v1', 'ResourceQuota', 'resourcequotas', true, ['quota'], S),
  t('v1', 'LimitRange', 'limitranges', true, ['limits']),
  t('v1', 'Pod', 'pods', true, ['po'], ALL),
  t('v1', 'Endpoints', 'endpoints', true, ['ep']),
  t('v1', 'Event', 'events', true, ['ev']),
  t('apps/v1', 'Deployment', 'deployments', true, ['deploy'], SCALED),
  t('apps/v1', 'StatefulSet', 'statefulsets', true, ['sts'], SCALED),
  t('apps/v1', 'DaemonSet', 'daemonsets', true, ['ds'], WORKLOAD),
  t('apps/v1', 'ReplicaSet', 'replicasets', true, ['rs'], SCALED),
  t('batch/v1', 'Job', 'jobs', true, [], WORKLOAD),
  t('coordination.k8s.io/v1', 'Lease', 'leases', true),
  t('batch/v1', 'CronJob', 'cronjobs', true, ['cj'], WORKLOAD),
  t('networking.k8s.io/v1', 'Ingress', 'ingresses', true, ['ing'], SG),
  t('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol'], { generation: true }),
  t('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false),
  t('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], SG),
  t('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ALL),
  t('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  t('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  t('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  t('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  t('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], SG),
  t('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, ['sc']),
];

export const gvOf = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** The resource types currently served, indexed by group/version/plural and by group/version/kind. */
export class Registry {
  private byPlural = new Map<string, ResourceType>();
  private byKind = new Map<string, ResourceType>();
  /** CRD name → the types it serves. */
  private custom = new Map<string, ResourceType[]>();

  constructor() {
    for (const r of BUILTIN) this.add(r);
  }

  private add(r: ResourceType): void {
    this.byPlural.set(`${gvOf(r)}/${r.plural}`, r);
    this.byKind.set(`${gvOf(r)}/${r.kind}`, r);
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPlural.get(`${gvOf({ group, version })}/${plural}`);
  }

  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  all(): ResourceType[] {
    return [...this.byPlural.values()];
  }

  /** Serves (or stops serving) the custom resources of a CRD; `crd` undefined removes them. */
  setCustom(name: string, crd: JsonObject | undefined): void {
    for (const r of this.custom.get(name) ?? []) {
      this.byPlural.delete(`${gvOf(r)}/${r.plural}`);
      this.byKind.delete(`${gvOf(r)}/${r.kind}`);
    }
    this.custom.delete(name);
    if (!crd) return;
    const types = typesOfCrd(crd);
    for (const r of types) this.add(r);
    this.custom.set(name, types);
  }

  /** Group → versions in preference order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.byPlural.values()) {
      const vs = out.get(r.group) ?? [];
      if (!vs.includes(r.version)) vs.push(r.version);
      out.set(r.group, vs);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((r) => r.group === group && r.version === version);
  }
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

export function typesOfCrd(crd: JsonObject): ResourceType[] {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: str(spec.group),
      version: str(v.name),
      kind: str(names.kind),
      plural: str(names.plural),
      singular: str(names.singular) || str(names.kind).toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      scale: false,
      status: isObject(v.subresources) && 'status' in v.subresources,
      generation: true,
      custom: true,
    }));
}

// Discovery documents ---------------------------------------------------------------------------

function apiResource(r: ResourceType): JsonObject[] {
  const main: JsonObject = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS };
  if (r.shortNames.length) main.shortNames = r.shortNames;
  if (r.categories.length) main.categories = r.categories;
  const out = [main];
  if (r.status) out.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
  if (r.scale) out.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  return out;
}

export function apiResourceList(reg: Registry, group: string, version: string): JsonObject {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gvOf({ group, version }),
    resources: reg.inGroupVersion(group, version).flatMap(apiResource),
  };
}

export function apiGroup(name: string, versions: string[]): JsonObject {
  const vs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: vs, preferredVersion: vs[0]! };
}

export function apiGroupList(reg: Registry): JsonObject {
  const groups = [...reg.groups()].filter(([g]) => g !== '').map(([g, vs]) => {
    const { kind: _k, apiVersion: _a, ...rest } = apiGroup(g, vs);
    return rest;
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** Aggregated discovery (apidiscovery.k8s.io/v2): the whole of /api or /apis in one document. */
export function aggregatedDiscovery(reg: Registry, legacy: boolean, apiVersion: string): JsonObject {
  const items = [...reg.groups()]
    .filter(([g]) => (legacy ? g === '' : g !== ''))
    .map(([g, vs]) => ({
      metadata: { name: g, creationTimestamp: null },
      versions: vs.map((version) => ({
        version,
        resources: reg.inGroupVersion(g, version).map((r) => {
          const res: JsonObject = {
            resource: r.plural,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS,
          };
          if (r.shortNames.length) res.shortNames = r.shortNames;
          if (r.categories.length) res.categories = r.categories;
          const subs: JsonObject[] = [];
          if (r.status) subs.push({ subresource: 'status', responseKind: { group: r.group, version: r.version, kind: r.kind }, verbs: ['get', 'patch', 'update'] });
          if (r.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
          if (subs.length) res.subresources = subs;
          return res;
        }),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

// OpenAPI v3 ------------------------------------------------------------------------------------
// kubectl reads /openapi/v3/<gv> to learn whether PATCH accepts `fieldValidation` (then it
// validates server-side instead of downloading schemas). One PATCH operation per kind says so.

export function openApiDocument(reg: Registry, group: string, version: string): JsonObject {
  const paths: JsonObject = {};
  const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  for (const r of reg.inGroupVersion(group, version)) {
    const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const path = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}/{name}` : `${prefix}/${r.plural}/{name}`;
    paths[path] = {
      patch: {
        operationId: `patch${r.kind}`,
        parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: r.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

export function openApiIndex(reg: Registry): JsonObject {
  const paths: JsonObject = {};
  for (const [g, vs] of reg.groups()) {
    for (const v of vs) {
      const key = g ? `apis/${g}/${v}` : `api/${v}`;
      const hash = createHash('sha512').update(JSON.stringify(openApiDocument(reg, g, v))).digest('hex').slice(0, 64).toUpperCase();
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
  }
  return { paths };
}
