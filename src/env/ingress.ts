import type { Json, JsonObject, Resource } from '../kustomize/resource.js';

// Kustomize cannot set "every host of every Ingress" (a replacement needs to know each rule's
// index), so this is a small filter: every rule's host and every TLS entry's hosts become `host`.

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const INGRESS_GROUPS = new Set(['networking.k8s.io', 'extensions']);

function isIngress(obj: JsonObject): boolean {
  const group = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0]! : '';
  return obj.kind === 'Ingress' && INGRESS_GROUPS.has(group);
}

function withHost(spec: JsonObject, host: string): JsonObject {
  const out: JsonObject = { ...spec };
  if (Array.isArray(spec.rules)) out.rules = spec.rules.map((r) => (isObject(r) ? { ...r, host } : r));
  if (Array.isArray(spec.tls)) out.tls = spec.tls.map((t) => (isObject(t) ? { ...t, hosts: [host] } : t));
  return out;
}

/** New resources with every Ingress rule and TLS entry pointing at `host`; others unchanged. */
export function setIngressHosts(resources: Resource[], host: string): Resource[] {
  return resources.map((r) => (isIngress(r.obj) && isObject(r.obj.spec) ? { ...r, obj: { ...r.obj, spec: withHost(r.obj.spec, host) } } : r));
}
