import { KtsError } from '../errors.js';
import type { Json, JsonObject, Resource } from '../kustomize/resource.js';

// Kustomize cannot set "every host of every Ingress" (a replacement needs to know each rule's
// index), so this is a small filter over the rendered Ingresses: every rule's host and every TLS
// entry's hosts become the environment's host, or, with a per-host map, each overlay host becomes
// its own template's value. Two different overlay hosts must never become one: the rules would
// collide and one of them would silently stop being served.

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const INGRESS_GROUPS = new Set(['networking.k8s.io', 'extensions']);

function isIngress(obj: JsonObject): boolean {
  const group = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0]! : '';
  return obj.kind === 'Ingress' && INGRESS_GROUPS.has(group);
}

/** One template for all hosts, or overlay host → new host. */
export type HostSetting = string | Map<string, string>;

export interface HostWhere {
  file?: string;
  field: string;
}

/** A rule host that became another one, for the collision check. */
interface Mapped {
  from: string;
  at: string;
}

/**
 * New resources with every Ingress rule and TLS entry pointing at the environment's host(s); others
 * unchanged. Fails when a host has no template in a per-host map, or when two different overlay hosts
 * would become the same host.
 */
export function setIngressHosts(resources: Resource[], setting: HostSetting, where: HostWhere): Resource[] {
  const produced = new Map<string, Mapped>();
  const hostFor = (from: string, at: string): string => {
    if (typeof setting === 'string') return setting;
    const to = setting.get(from);
    if (to === undefined) {
      throw new KtsError('ingress', `${at} '${from}' has no template in ${where.field} (templates for: ${[...setting.keys()].join(', ')})`, { file: where.file });
    }
    return to;
  };
  const out = resources.map((r) => {
    if (!isIngress(r.obj) || !isObject(r.obj.spec)) return r;
    const meta = isObject(r.obj.metadata) ? r.obj.metadata : {};
    const name = `Ingress ${typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : ''}${String(meta.name)}`;
    const spec: JsonObject = { ...r.obj.spec };
    if (Array.isArray(spec.rules)) {
      spec.rules = spec.rules.map((rule, i) => {
        if (!isObject(rule)) return rule;
        const from = typeof rule.host === 'string' ? rule.host : '';
        const at = `${name} spec.rules[${i}].host`;
        // A rule without a host serves every host; with per-host templates it is left as it is.
        if (from === '' && typeof setting !== 'string') return rule;
        const host = hostFor(from, at);
        const seen = produced.get(host);
        if (seen && seen.from !== from) {
          throw new KtsError(
            'ingress',
            `${at} '${from}' and ${seen.at} '${seen.from}' would both become '${host}': give each host its own template (${where.field}: {overlay host: template})`,
            { file: where.file },
          );
        }
        produced.set(host, { from, at });
        return { ...rule, host };
      });
    }
    if (Array.isArray(spec.tls)) {
      spec.tls = spec.tls.map((t, i) => {
        if (!isObject(t)) return t;
        if (typeof setting === 'string') return { ...t, hosts: [setting] };
        const hosts = Array.isArray(t.hosts) ? t.hosts.filter((h): h is string => typeof h === 'string') : [];
        return { ...t, hosts: [...new Set(hosts.map((h, j) => hostFor(h, `${name} spec.tls[${i}].hosts[${j}]`)))] };
      });
    }
    return { ...r, obj: { ...r.obj, spec } };
  });
  return out;
}
