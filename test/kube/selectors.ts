// Label selectors (k8s.io/apimachinery/pkg/labels: =, ==, !=, in, notin, exists, !exists, gt, lt)
// and the field selectors every kind supports (metadata.name, metadata.namespace).

import type { JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';
import { ApiError, errors } from './status.js';

export type Requirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type Selector = (labels: Record<string, string>) => boolean;

function bad(selector: string, why: string): ApiError {
  return errors.badRequest(`unable to parse requirement: ${why} in "${selector}"`);
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

export function parseLabelSelector(selector: string): Requirement[] {
  if (selector.trim() === '') return [];
  return splitTop(selector).map((part) => {
    if (part === '') throw bad(selector, 'found empty requirement');
    let m: RegExpMatchArray | null;
    const key = (k: string) => {
      if (!KEY.test(k)) throw bad(selector, `invalid label key "${k}"`);
      return k;
    };
    const value = (v: string) => {
      if (!VALUE.test(v) || v.length > 63) throw bad(selector, `invalid label value: "${v}"`);
      return v;
    };
    if ((m = part.match(/^!\s*(\S+)$/))) return { key: key(m[1]!), op: '!exists' as const };
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = m[3]!.split(',').map((v) => value(v.trim()));
      return { key: key(m[1]!), op: m[2] as 'in' | 'notin', values };
    }
    if ((m = part.match(/^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      return { key: key(m[1]!), op: m[2] === '!=' ? ('notin' as const) : ('in' as const), values: [value(m[3]!)] };
    }
    if ((m = part.match(/^([^=!<>\s]+)\s*([<>])\s*(-?\d+)$/))) return { key: key(m[1]!), op: m[2] === '>' ? ('gt' as const) : ('lt' as const), value: Number(m[3]) };
    if ((m = part.match(/^(\S+)$/))) return { key: key(m[1]!), op: 'exists' as const };
    throw bad(selector, `unexpected requirement "${part}"`);
  });
}

export function matches(reqs: Requirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'gt':
        return has && Number(v) > r.value;
      case 'lt':
        return has && Number(v) < r.value;
    }
  });
}

export function labelsOf(obj: JsonObject): Record<string, string> {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  return isObject(meta.labels) ? (meta.labels as Record<string, string>) : {};
}

export interface FieldRequirement {
  field: string;
  equal: boolean;
  value: string;
}

/** Field selectors every kind supports, plus the few kind-specific ones the example app might use. */
const EXTRA_FIELDS: Record<string, string[]> = {
  Secret: ['type'],
  Namespace: ['status.phase'],
  Pod: ['status.phase', 'spec.nodeName'],
  Event: ['involvedObject.name', 'involvedObject.kind', 'involvedObject.namespace', 'reason', 'type'],
};

export function parseFieldSelector(selector: string, kind: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return splitTop(selector).map((part) => {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!;
    const known = ['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[kind] ?? [])];
    if (!known.includes(field)) throw errors.badRequest(`"${field}" is not a known field selector: only ${known.map((f) => `"${f}"`).join(', ')}`);
    return { field, equal: m[2] !== '!=', value: m[3]! };
  });
}

export function matchesFields(reqs: FieldRequirement[], obj: JsonObject): boolean {
  return reqs.every((r) => {
    let cur: unknown = obj;
    for (const p of r.field.split('.')) cur = isObject(cur as JsonObject) ? (cur as JsonObject)[p] : undefined;
    const v = typeof cur === 'string' ? cur : '';
    return (v === r.value) === r.equal;
  });
}
