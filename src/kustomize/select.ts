import { KtsError } from '../errors.js';
import type { Selector } from './kustomization.js';
import { ResMap } from './resmap.js';
import { metadataOf, splitApiVersion, textMap, type Json, type Resource } from './resource.js';
import { curId, orgId } from './transformers/ids.js';
import { effectiveNamespace } from './transformers/scope.js';

// Patch and replacement targets (kustomize resWrangler.Select): group/version/kind/name/namespace
// are regexes anchored at both ends; name and namespace match the original or the current value;
// labelSelector/annotationSelector use Kubernetes label-selector syntax.

function anchored(pattern: string | undefined, field: string): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new KtsError('selector', `invalid regular expression '${pattern}'`, { field });
  }
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`) into requirements. */
export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  const src = text.trim();
  let i = 0;
  const fail = (): never => {
    throw new KtsError('selector', `unable to parse requirement: invalid label selector '${text}'`);
  };
  const skip = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const word = (): string => {
    skip();
    const m = /^[A-Za-z0-9._\-/]*/.exec(src.slice(i))![0];
    i += m.length;
    return m;
  };
  while (i < src.length) {
    skip();
    let negate = false;
    if (src[i] === '!') {
      negate = true;
      i++;
    }
    const key = word();
    if (!key) fail();
    skip();
    if (negate) {
      reqs.push((l) => !(key in l));
    } else if (src.startsWith('!=', i) || src.startsWith('==', i) || src[i] === '=') {
      const op = src.startsWith('!=', i) ? '!=' : src.startsWith('==', i) ? '==' : '=';
      i += op.length;
      const value = word();
      reqs.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if (/^(in|notin)\s*\(/.test(src.slice(i))) {
      const notin = src.startsWith('notin', i);
      i = src.indexOf('(', i) + 1;
      const close = src.indexOf(')', i);
      if (close < 0) fail();
      const values = new Set(
        src
          .slice(i, close)
          .split(',')
          .map((v) => v.trim()),
      );
      i = close + 1;
      reqs.push(notin ? (l) => !(key in l) || !values.has(l[key]!) : (l) => key in l && values.has(l[key]!));
    } else {
      reqs.push((l) => key in l);
    }
    skip();
    if (i < src.length) {
      if (src[i] !== ',') fail();
      i++;
    }
  }
  return reqs;
}

/** A predicate over resources for `selector`. */
export function selectorMatcher(selector: Selector): (r: Resource) => boolean {
  const group = anchored(selector.group, 'target.group');
  const version = anchored(selector.version, 'target.version');
  const kind = anchored(selector.kind, 'target.kind');
  const name = anchored(selector.name, 'target.name');
  const namespace = anchored(selector.namespace, 'target.namespace');
  const labels = selector.labelSelector ? parseLabelSelector(selector.labelSelector) : [];
  const annotations = selector.annotationSelector ? parseLabelSelector(selector.annotationSelector) : [];
  // every test must pass, so the cheap ones go first and the ids are made only when needed: a
  // patch per label selector is tested against every resource of a large tree
  return (r) => {
    if (kind && !kind.test(typeof r.obj.kind === 'string' ? r.obj.kind : '')) return false;
    if (group || version) {
      const gv = splitApiVersion(typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : '');
      if (group && !group.test(gv.group)) return false;
      if (version && !version.test(gv.version)) return false;
    }
    if (name || namespace) {
      const cur = curId(r);
      const org = orgId(r);
      if (namespace && !namespace.test(effectiveNamespace(org)) && !namespace.test(effectiveNamespace(cur))) return false;
      if (name && !name.test(org.name) && !name.test(cur.name)) return false;
    }
    const meta = metadataOf(r.obj);
    if (labels.length > 0) {
      const l = textMap(meta.labels);
      if (!labels.every((req) => req(l))) return false;
    }
    if (annotations.length > 0) {
      const a = textMap(meta.annotations);
      if (!annotations.every((req) => req(a))) return false;
    }
    return true;
  };
}

/**
 * The resources `selector` picks, in list order. From a ResMap, a name without regex syntax looks
 * its candidates up by name: a tree with a patch per named resource tested every resource per patch.
 */
export function selectResources(from: readonly Resource[] | ResMap, selector: Selector): Resource[] {
  const literal = selector.name !== undefined && /^[\w-]+$/.test(selector.name);
  const candidates = from instanceof ResMap ? (literal ? from.getByAnyName(selector.name!) : from.resources()) : from;
  return candidates.filter(selectorMatcher(selector));
}
