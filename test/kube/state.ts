// The cluster's objects and the API semantics of writing them: create/update/patch/apply/delete
// with resourceVersion, uid, generation, managedFields, dry runs, namespace lifecycle, CRDs that
// start serving their kinds once Established, and simulated controller status. No HTTP here.

import { createHash, randomUUID } from 'node:crypto';
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { clone, deepEqual, type FieldSetOptions, isObject } from './fieldset.js';
import { recordUpdate, serverSideApply } from './managed.js';
import { mergePatch, strategicMergePatch } from './merge.js';
import { gvOf, Registry, type ResourceType } from './resources.js';
import { ROLLOUT_KINDS, type RolloutState, rolloutStatus } from './rollout.js';
import { type FieldRequirement, labelsOf, matches, matchesFields, type Requirement } from './selectors.js';
import { limitRangeRefusal, quotaRefusal, quotaStatus } from './admission.js';
import { unsupportedValues } from './enums.js';
import type { PodBehaviour, PodMatch } from './pods.js';
import { goValue, undeclaredFields, withoutUndeclared } from './schema.js';
import { ApiError, errors, type StatusCause } from './status.js';
import { Controllers } from './workloads.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  rv: number;
  /** group/plural of the object. */
  resource: string;
  object: JsonObject;
  /** For MODIFIED: the object before the change (a watch with a selector turns entering/leaving it into ADDED/DELETED). */
  previous?: JsonObject;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  /** The user agent's program name, the default field manager of ordinary writes. */
  userAgent?: string;
  /** Test seeding only: keep the creationTimestamp the object carries (to simulate old objects). */
  keepCreationTimestamp?: boolean;
  /** The fieldValidation query parameter: `Strict` refuses undeclared fields of ordinary writes, otherwise they are dropped. */
  fieldValidation?: string;
}

export interface ListOptions {
  namespace?: string;
  labels?: Requirement[];
  fields?: FieldRequirement[];
}

export type PatchType = 'apply' | 'merge' | 'strategic' | 'json';

export interface StateOptions {
  namespaceDeletionDelayMs: number;
  crdEstablishDelayMs: number;
  rollout: RolloutState;
  /** Overrides every Deployment's spec.progressDeadlineSeconds. */
  progressDeadlineMs?: number;
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Orphan, Background or Foreground; the default is Background, but Orphan for Jobs (batch/v1's legacy default). */
  propagationPolicy?: string;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
// Watch history kept for resuming from a resourceVersion: at least this many events (trimmed in batches).
const HISTORY = 20000;

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function meta(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAMES = new Set(['Namespace', 'Service']);

export class ClusterState {
  readonly registry = new Registry();
  /** group/plural → namespace/name → object. */
  private store = new Map<string, Map<string, JsonObject>>();
  private rv = 1000;
  readonly history: WatchEvent[] = [];
  private listeners = new Set<(e: WatchEvent) => void>();
  private rolloutOverrides = new Map<string, RolloutState>();
  private timers = new Set<NodeJS.Timeout>();
  private controllers: Controllers;

  constructor(readonly opts: StateOptions) {
    this.controllers = new Controllers(
      {
        list: (kind, namespace) => this.stored(this.builtin(kind), namespace),
        find: (kind, namespace, name) => {
          const t = this.builtin(kind);
          const o = this.find(t, namespace, name);
          return o && this.present(t, o);
        },
        create: (kind, namespace, obj) => this.create(this.builtin(kind), namespace, obj, { dryRun: false, fieldManager: 'kube-controller-manager' }),
        updateSpec: (kind, namespace, name, spec) => {
          const t = this.builtin(kind);
          const next = this.get(t, namespace, name);
          next.spec = spec;
          this.update(t, namespace, name, next, { dryRun: false, fieldManager: 'kube-controller-manager' });
        },
        writeStatus: (kind, namespace, name, status, manager) => {
          const t = this.builtin(kind);
          const o = this.find(t, namespace, name);
          if (o) this.writeStatus(t, o, status, manager);
        },
        delete: (kind, namespace, name) => void this.delete(this.builtin(kind), namespace, name, { dryRun: false, fieldManager: 'kube-controller-manager' }),
        rolloutState: (kind, namespace, name) => this.rolloutOverrides.get(`${kind}/${namespace}/${name}`) ?? this.opts.rollout,
        terminating: (namespace) => {
          const ns = this.find(this.builtin('Namespace'), '', namespace);
          return !ns || meta(ns).deletionTimestamp !== undefined;
        },
        refreshQuotas: (namespace) => this.refreshQuotas(namespace),
        later: (ms, fn) => this.later(ms, fn),
        now,
      },
      { progressDeadlineMs: opts.progressDeadlineMs },
    );
    for (const ns of SYSTEM_NAMESPACES) this.create(this.type('', 'v1', 'namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { dryRun: false, fieldManager: 'kube-apiserver' });
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private builtin(kind: string): ResourceType {
    const t = this.registry.all().find((r) => r.kind === kind && !r.custom);
    if (!t) throw new Error(`kind ${kind} is not served`);
    return t;
  }

  type(group: string, version: string, plural: string): ResourceType {
    const t = this.registry.lookup(group, version, plural);
    if (!t) throw errors.notFoundPath();
    return t;
  }

  onEvent(fn: (e: WatchEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  // Storage ----------------------------------------------------------------------------------

  private bucket(t: ResourceType): Map<string, JsonObject> {
    const key = `${t.group}/${t.plural}`;
    let b = this.store.get(key);
    if (!b) this.store.set(key, (b = new Map()));
    return b;
  }

  private emit(type: WatchEventType, t: ResourceType, object: JsonObject, previous?: JsonObject): void {
    const e: WatchEvent = { type, rv: this.rv, resource: `${t.group}/${t.plural}`, object: clone(object), previous };
    this.history.push(e);
    if (this.history.length > 2 * HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const fn of this.listeners) fn(e);
  }

  private put(t: ResourceType, obj: JsonObject, event: WatchEventType): JsonObject {
    meta(obj).resourceVersion = String(++this.rv);
    const m = meta(obj);
    const key = `${m.namespace ?? ''}/${m.name}`;
    // Stored objects are never mutated (writes store new ones), so the previous one can be shared.
    const previous = this.bucket(t).get(key);
    this.bucket(t).set(key, obj);
    this.emit(event, t, obj, previous);
    return obj;
  }

  private remove(t: ResourceType, obj: JsonObject, orphan = false): void {
    const m = meta(obj);
    // Already gone (e.g. collected with its owner while its namespace is emptied).
    if (!this.bucket(t).delete(`${m.namespace ?? ''}/${m.name}`)) return;
    ++this.rv;
    const gone = clone(obj);
    meta(gone).resourceVersion = String(this.rv);
    this.emit('DELETED', t, gone);
    this.afterDelete(t, obj, orphan);
  }

  /** The stored objects (not copies) of a built-in kind in a namespace, unsorted: for the simulated controllers, which only read them. */
  private stored(t: ResourceType, namespace: string): JsonObject[] {
    const out: JsonObject[] = [];
    for (const o of this.bucket(t).values()) if (meta(o).namespace === namespace) out.push(o);
    return out;
  }

  /** The stored object (not a copy), in the storage version; undefined when absent. */
  find(t: ResourceType, namespace: string, name: string): JsonObject | undefined {
    return this.bucket(t).get(`${t.namespaced ? namespace : ''}/${name}`);
  }

  /** An object as served at `t`'s version (custom resources are stored once for all versions). */
  present(t: ResourceType, obj: JsonObject): JsonObject {
    const out = clone(obj);
    out.apiVersion = gvOf(t);
    out.kind = t.kind;
    return out;
  }

  private target(t: ResourceType, name: string) {
    return { group: t.group, resource: t.plural, name };
  }

  private mustFind(t: ResourceType, namespace: string, name: string): JsonObject {
    const obj = this.find(t, namespace, name);
    if (!obj) throw errors.notFound(this.target(t, name));
    return obj;
  }

  // Reads ------------------------------------------------------------------------------------

  get(t: ResourceType, namespace: string, name: string): JsonObject {
    return this.present(t, this.mustFind(t, namespace, name));
  }

  list(t: ResourceType, opts: ListOptions): JsonObject[] {
    const out: JsonObject[] = [];
    for (const obj of this.bucket(t).values()) {
      if (t.namespaced && opts.namespace && meta(obj).namespace !== opts.namespace) continue;
      if (opts.labels && !matches(opts.labels, labelsOf(obj))) continue;
      if (opts.fields && !matchesFields(opts.fields, obj)) continue;
      out.push(this.present(t, obj));
    }
    const key = (o: JsonObject) => `${meta(o).namespace ?? ''}/${meta(o).name}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** What a watch with these options sees of an event: its type, a selector entered/left, or nothing. */
  watchEvent(t: ResourceType, e: WatchEvent, opts: ListOptions): WatchEventType | undefined {
    if (e.resource !== `${t.group}/${t.plural}`) return undefined;
    const match = (o: JsonObject) =>
      !(t.namespaced && opts.namespace && meta(o).namespace !== opts.namespace) &&
      (!opts.labels || matches(opts.labels, labelsOf(o))) &&
      (!opts.fields || matchesFields(opts.fields, o));
    const now = match(e.object);
    if (e.type !== 'MODIFIED' || !e.previous) return now ? e.type : undefined;
    const before = match(e.previous);
    return now ? (before ? 'MODIFIED' : 'ADDED') : before ? 'DELETED' : undefined;
  }

  // Validation -------------------------------------------------------------------------------

  private checkBody(t: ResourceType, body: Json, namespace: string, urlName?: string): JsonObject {
    if (!isObject(body)) throw errors.badRequest('the request body must be a JSON or YAML object');
    const obj = clone(body);
    if (obj.apiVersion !== undefined && obj.apiVersion !== gvOf(t)) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gvOf(t)})`);
    }
    if (obj.kind !== undefined && obj.kind !== t.kind) throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${t.kind})`);
    obj.apiVersion = gvOf(t);
    obj.kind = t.kind;
    const m = meta(obj);
    if (t.namespaced) {
      if (m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = namespace;
    } else delete m.namespace;
    if (urlName !== undefined && m.name !== undefined && m.name !== urlName) {
      throw errors.badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${urlName})`);
    }
    return obj;
  }

  private validate(t: ResourceType, obj: JsonObject): void {
    const m = meta(obj);
    const name = typeof m.name === 'string' ? m.name : '';
    const causes: StatusCause[] = [];
    const invalid = (field: string, message: string, reason = 'FieldValueInvalid') => causes.push({ reason, message, field });
    if (!name) invalid('metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired');
    else if (LABEL_NAMES.has(t.kind) && !t.custom && (!DNS1123_LABEL.test(name) || name.length > 63)) {
      invalid('metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
    } else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      invalid('metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
    }
    for (const field of ['labels', 'annotations'] as const) {
      const v = m[field];
      if (v === undefined || v === null) continue;
      if (!isObject(v)) invalid(`metadata.${field}`, `Invalid value: must be a map of strings`);
      else for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') invalid(`metadata.${field}.${k}`, `Invalid value: must be a string`);
    }
    if (isObject(m.labels)) {
      for (const [k, v] of Object.entries(m.labels)) {
        if (typeof v === 'string' && (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))) {
          invalid(`metadata.labels`, `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
        }
        if (k.split('/').pop()!.length > 63) invalid('metadata.labels', `Invalid value: "${k}": name part must be no more than 63 characters`);
      }
    }
    if (t.kind === 'CustomResourceDefinition' && !t.custom) this.validateCrd(obj, invalid);
    if (!t.custom) causes.push(...unsupportedValues(t.kind, obj));
    if (causes.length) throw errors.invalid(t.kind, t.group, name, causes);
  }

  private validateCrd(obj: JsonObject, invalid: (field: string, message: string, reason?: string) => void): void {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const name = String(meta(obj).name ?? '');
    if (!spec.group) invalid('spec.group', 'Required value', 'FieldValueRequired');
    if (!names.plural) invalid('spec.names.plural', 'Required value', 'FieldValueRequired');
    if (!names.kind) invalid('spec.names.kind', 'Required value', 'FieldValueRequired');
    if (spec.group && names.plural && name !== `${String(names.plural)}.${String(spec.group)}`) {
      invalid('metadata.name', `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`);
    }
    if (!Array.isArray(spec.versions) || spec.versions.length === 0) invalid('spec.versions', 'Invalid value: must have exactly one version marked as storage version');
    if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') invalid('spec.scope', `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`, 'FieldValueNotSupported');
  }

  /** Creating content needs a namespace that exists and is not being deleted. */
  private checkNamespace(t: ResourceType, namespace: string, name: string): void {
    if (!t.namespaced) return;
    const ns = this.find(this.type('', 'v1', 'namespaces'), '', namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces', name: namespace });
    if (meta(ns).deletionTimestamp) {
      const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw errors.forbidden(this.target(t, name), why, [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }]);
    }
  }

  private fieldSet(t: ResourceType, subresource?: string): FieldSetOptions {
    if (subresource === 'scale') return { status: 'exclude' };
    if (subresource === 'status') return { status: 'only' };
    return { status: t.status ? 'exclude' : 'include' };
  }

  private manager(opts: WriteOptions, dflt: string): string {
    const m = opts.fieldManager ?? opts.userAgent ?? dflt;
    if (m.length > 128) throw errors.badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return m;
  }

  /** Server-set metadata and defaults on create. */
  private initialize(t: ResourceType, obj: JsonObject): void {
    const m = meta(obj);
    m.uid = randomUUID();
    m.creationTimestamp = now();
    for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete m[k];
    if (t.generation) m.generation = 1;
    else delete m.generation;
    if (t.status) delete obj.status;
    if (t.custom) return;
    const spec = isObject(obj.spec) ? obj.spec : undefined;
    switch (t.kind) {
      case 'Namespace':
        m.labels = { ...(isObject(m.labels) ? m.labels : {}), 'kubernetes.io/metadata.name': String(m.name) };
        obj.spec = { finalizers: ['kubernetes'] };
        obj.status = { phase: 'Active' };
        break;
      case 'Secret':
        if (obj.type === undefined) obj.type = 'Opaque';
        break;
      // The defaults `kubectl rollout status` relies on (it refuses anything but RollingUpdate).
      case 'Deployment':
        if (!spec) break;
        spec.replicas ??= 1;
        spec.progressDeadlineSeconds ??= 600;
        spec.revisionHistoryLimit ??= 10;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
        break;
      case 'StatefulSet':
        if (!spec) break;
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.podManagementPolicy ??= 'OrderedReady';
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        break;
      case 'DaemonSet':
        if (!spec) break;
        spec.revisionHistoryLimit ??= 10;
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
        break;
      case 'Service':
        if (spec) {
          spec.type ??= 'ClusterIP';
          if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
            const n = this.rv % 65000;
            spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
            spec.clusterIPs = [spec.clusterIP];
          }
        }
        obj.status = { loadBalancer: {} };
        break;
      case 'Job':
        if (spec) {
          spec.completions ??= 1;
          spec.parallelism ??= 1;
          spec.backoffLimit ??= 6;
        }
        break;
    }
  }

  // Writes -----------------------------------------------------------------------------------

  create(t: ResourceType, namespace: string, body: Json, opts: WriteOptions): JsonObject {
    const obj = this.declared(t, this.checkBody(t, body, namespace), opts);
    const m = meta(obj);
    if (!m.name && typeof m.generateName === 'string') m.name = m.generateName + nameSuffix(this.rv);
    this.validate(t, obj);
    const name = String(m.name);
    this.checkNamespace(t, namespace, name);
    if (this.find(t, namespace, name)) throw errors.alreadyExists(this.target(t, name));
    if (t.kind === 'Pod' && !t.custom) this.admitPod(namespace, obj, typeof m.generateName === 'string' && name.startsWith(m.generateName) ? m.generateName : name);
    const created = m.creationTimestamp;
    this.initialize(t, obj);
    if (opts.keepCreationTimestamp && typeof created === 'string') meta(obj).creationTimestamp = created;
    normalize(t, obj);
    const stored = recordUpdate({ old: undefined, updated: obj, manager: this.manager(opts, 'unknown'), apiVersion: gvOf(t), now: now(), fieldSet: this.fieldSet(t) });
    if (opts.dryRun) return this.present(t, stored);
    this.put(t, stored, 'ADDED');
    this.afterWrite(t, undefined, stored);
    return this.present(t, this.find(t, namespace, name) ?? stored);
  }

  update(t: ResourceType, namespace: string, name: string, body: Json, opts: WriteOptions, subresource?: string): JsonObject {
    const old = this.mustFind(t, namespace, name);
    const obj = this.declared(t, this.checkBody(t, body, namespace, name), opts);
    meta(obj).name = name;
    return this.commitUpdate(t, old, obj, opts, subresource, 'update');
  }

  patch(t: ResourceType, namespace: string, name: string, type: PatchType, patch: Json, opts: WriteOptions & { force?: boolean }, subresource?: string): JsonObject {
    const old = this.find(t, namespace, name);
    if (type === 'apply') return this.apply(t, namespace, name, old, patch, opts, subresource);
    if (!old) throw errors.notFound(this.target(t, name));
    if (type === 'strategic' && t.custom) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    }
    const next = this.patched(t, name, this.present(t, old), type, patch);
    const obj = this.declared(t, this.checkBody(t, next, namespace, name), opts);
    return this.commitUpdate(t, old, obj, opts, subresource, type === 'json' ? 'json-patch' : 'patch');
  }

  /** What an ordinary write keeps of undeclared fields: nothing (or a 400 under fieldValidation=Strict). */
  private declared(t: ResourceType, obj: JsonObject, opts: WriteOptions): JsonObject {
    if (opts.fieldValidation !== 'Strict') return withoutUndeclared(t, obj);
    const unknown = undeclaredFields(t, obj);
    if (unknown.length) {
      const fields = unknown.map((p) => `unknown field "${p.slice(1)}"`).join(', ');
      throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${fields}`);
    }
    return obj;
  }

  private patched(t: ResourceType, name: string, current: JsonObject, type: Exclude<PatchType, 'apply'>, patch: Json): Json {
    if (type === 'json') {
      if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
      try {
        return jsonPatch.applyPatch(clone(current), patch as unknown as Operation[], true, false).newDocument as Json;
      } catch (e) {
        throw errors.invalid(t.kind, t.group, name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${(e as Error).message.split('\n')[0]}`, field: 'patch' }]);
      }
    }
    if (!isObject(patch)) throw errors.badRequest('the patch must be a JSON object');
    return type === 'merge' ? mergePatch(current, patch) : strategicMergePatch(current, patch);
  }

  /** The autoscaling/v1 Scale of a Deployment, StatefulSet or ReplicaSet. */
  getScale(t: ResourceType, namespace: string, name: string): JsonObject {
    return scaleOf(this.present(t, this.mustFind(t, namespace, name)));
  }

  /** PUT or PATCH of /scale: changes spec.replicas of the object (as manager of subresource `scale`). */
  writeScale(t: ResourceType, namespace: string, name: string, type: PatchType | 'update', body: Json, opts: WriteOptions): JsonObject {
    const old = this.mustFind(t, namespace, name);
    if (type === 'apply') throw errors.unsupportedMediaType('application/apply-patch+yaml');
    const next = type === 'update' ? body : this.patched(t, name, scaleOf(this.present(t, old)), type, body);
    const spec = isObject(next) && isObject(next.spec) ? next.spec : {};
    if (typeof spec.replicas !== 'number' || spec.replicas < 0 || !Number.isInteger(spec.replicas)) {
      throw errors.invalid('Scale', 'autoscaling', name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(spec.replicas ?? null)}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
    }
    const obj = this.present(t, old);
    (isObject(obj.spec) ? obj.spec : (obj.spec = {})).replicas = spec.replicas;
    const rv = isObject(next) && isObject(next.metadata) ? next.metadata.resourceVersion : undefined;
    if (rv === undefined) delete meta(obj).resourceVersion;
    else meta(obj).resourceVersion = rv;
    this.commitUpdate(t, old, obj, opts, 'scale', type === 'update' ? 'update' : 'patch');
    return this.getScale(t, namespace, name);
  }

  private apply(t: ResourceType, namespace: string, name: string, old: JsonObject | undefined, patch: Json, opts: WriteOptions & { force?: boolean }, subresource?: string): JsonObject {
    if (!opts.fieldManager) throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    if (!isObject(patch)) throw errors.badRequest('error decoding YAML: the applied configuration must be an object');
    if (patch.apiVersion === undefined || patch.kind === undefined) {
      throw errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(patch)}'`);
    }
    const applied = this.checkBody(t, patch, namespace, name);
    const am = meta(applied);
    if (am.name === undefined) throw errors.badRequest(`the name of the object () does not match the name on the URL (${name})`);
    if (am.managedFields !== undefined && am.managedFields !== null) throw errors.badRequest('metadata.managedFields must be nil');
    if (old && am.resourceVersion !== undefined && am.resourceVersion !== meta(old).resourceVersion) throw errors.conflict(this.target(t, name));
    if (!old) {
      if (subresource) throw errors.notFound(this.target(t, name));
      this.validate(t, applied);
      this.checkNamespace(t, namespace, name);
    }
    // Server-side apply converts the applied object to its schema type first; v1.26 passes the
    // conversion error on as a plain error: HTTP 500, whatever fieldValidation says.
    const unknown = undeclaredFields(t, applied);
    if (unknown.length) {
      const errs = unknown.map((p) => `${p}: field not declared in schema`);
      const gvk = `${t.group}/${t.version}, Kind=${t.kind}`;
      throw errors.unclassified(`failed to create typed patch object (${namespace}/${name}; ${gvk}): ${errs.length === 1 ? errs[0] : `errors:\n  ${errs.join('\n  ')}`}`);
    }
    const base = old ? this.present(t, old) : undefined;
    const fieldSet = this.fieldSet(t, subresource);
    // Through /status only the status is applied; through the main resource the status is ignored.
    const config = subresource === 'status' ? { apiVersion: applied.apiVersion!, kind: applied.kind!, metadata: { name }, status: applied.status ?? {} } : applied;
    let result = serverSideApply({ live: base, applied: config, manager: opts.fieldManager, force: opts.force ?? false, apiVersion: gvOf(t), now: now(), fieldSet, subresource });
    if (!old) {
      const managed = meta(result).managedFields;
      this.initialize(t, result);
      normalize(t, result);
      this.validate(t, result);
      if (managed !== undefined) meta(result).managedFields = managed;
      if (opts.dryRun) return this.present(t, result);
      result = this.put(t, result, 'ADDED');
      this.afterWrite(t, undefined, result);
      return this.present(t, this.find(t, namespace, name) ?? result);
    }
    return this.commit(t, old, result, opts, subresource);
  }

  private commitUpdate(t: ResourceType, old: JsonObject, obj: JsonObject, opts: WriteOptions, subresource: string | undefined, verb: string): JsonObject {
    const m = meta(obj);
    if (m.resourceVersion !== undefined && m.resourceVersion !== '' && m.resourceVersion !== meta(old).resourceVersion) throw errors.conflict(this.target(t, String(m.name)));
    const withFields = recordUpdate({
      old: this.present(t, old),
      updated: this.restrict(t, old, obj, subresource),
      manager: this.manager(opts, `unknown-${verb}`),
      apiVersion: gvOf(t),
      now: now(),
      subresource,
      fieldSet: this.fieldSet(t, subresource),
    });
    return this.commit(t, old, withFields, opts, subresource);
  }

  /** What a write may change: the main resource keeps the stored status, `/status` only changes status. */
  private restrict(t: ResourceType, old: JsonObject, obj: JsonObject, subresource: string | undefined): JsonObject {
    if (subresource === 'status') {
      const out = this.present(t, old);
      if (obj.status === undefined) delete out.status;
      else out.status = clone(obj.status);
      if (isObject(obj.metadata) && obj.metadata.managedFields !== undefined) meta(out).managedFields = clone(obj.metadata.managedFields);
      return out;
    }
    const out = clone(obj);
    if (t.status) {
      if (old.status === undefined) delete out.status;
      else out.status = clone(old.status);
    }
    return out;
  }

  /** Stores `next` as the new version of `old` unless nothing changed; server-owned metadata is kept. */
  private commit(t: ResourceType, old: JsonObject, next: JsonObject, opts: WriteOptions, subresource?: string): JsonObject {
    const om = meta(old);
    const nm = meta(next);
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
      if (om[k] === undefined) delete nm[k];
      else nm[k] = om[k]!;
    }
    nm.name = om.name!;
    if (t.namespaced) nm.namespace = om.namespace!;
    nm.resourceVersion = om.resourceVersion!;
    if (t.status && subresource !== 'status') {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    if (!t.custom && t.kind === 'Namespace' && subresource !== 'status') next.spec = clone(old.spec ?? { finalizers: ['kubernetes'] });
    // Like the real server, an update that leaves the allocated cluster IP out keeps it.
    if (!t.custom && t.kind === 'Service' && isObject(next.spec) && isObject(old.spec) && !next.spec.clusterIP && old.spec.clusterIP) {
      next.spec.clusterIP = old.spec.clusterIP;
      next.spec.clusterIPs = clone(old.spec.clusterIPs ?? [old.spec.clusterIP]);
    }
    normalize(t, next);
    const oldView = this.present(t, old);
    if (t.generation && specChanged(oldView, next)) nm.generation = Number(om.generation ?? 0) + 1;
    if (deepEqual(withoutTimes(oldView), withoutTimes(next))) return oldView;
    this.validate(t, next);
    if (!t.custom) validateUpdate(t, oldView, next);
    if (opts.dryRun) return this.present(t, next);
    const stored = this.put(t, next, 'MODIFIED');
    this.afterWrite(t, old, stored);
    return this.present(t, this.find(t, String(om.namespace ?? ''), String(om.name)) ?? stored);
  }

  delete(t: ResourceType, namespace: string, name: string, opts: DeleteOptions): { object: JsonObject; immediate: boolean } {
    const obj = this.mustFind(t, namespace, name);
    const m = meta(obj);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== m.uid) throw errors.conflict(this.target(t, name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(m.uid)}`);
    if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
      throw errors.conflict(this.target(t, name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(m.resourceVersion)}`);
    }
    const finalizers = Array.isArray(m.finalizers) ? m.finalizers : [];
    const graceful = (!t.custom && t.kind === 'Namespace') || finalizers.length > 0;
    const orphan = opts.propagationPolicy === 'Orphan' || (opts.propagationPolicy === undefined && !t.custom && t.kind === 'Job');
    if (!graceful) {
      if (!opts.dryRun) this.remove(t, obj, orphan);
      return { object: this.present(t, obj), immediate: true };
    }
    if (m.deletionTimestamp || opts.dryRun) return { object: this.present(t, obj), immediate: false };
    const next = clone(obj);
    meta(next).deletionTimestamp = now();
    meta(next).deletionGracePeriodSeconds = 0;
    if (!t.custom && t.kind === 'Namespace') {
      next.status = { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' };
      this.put(t, next, 'MODIFIED');
      this.later(this.opts.namespaceDeletionDelayMs, () => this.finalizeNamespace(name));
    } else this.put(t, next, 'MODIFIED');
    return { object: this.present(t, next), immediate: false };
  }

  private finalizeNamespace(name: string): void {
    const nsType = this.type('', 'v1', 'namespaces');
    const ns = this.find(nsType, '', name);
    if (!ns) return;
    for (const t of this.storedTypes()) {
      if (!t.namespaced) continue;
      for (const obj of [...this.bucket(t).values()]) if (meta(obj).namespace === name) this.remove(t, obj);
    }
    // Metadata finalizers (someone else's cleanup) keep the emptied namespace Terminating until removed.
    const finalizers = meta(ns).finalizers;
    if (Array.isArray(finalizers) && finalizers.length > 0) {
      const next = clone(ns);
      next.spec = { finalizers: [] };
      this.put(nsType, next, 'MODIFIED');
    } else this.remove(nsType, ns);
  }

  /** One served type per stored group/plural (custom resources stay stored while their CRD exists). */
  private storedTypes(): ResourceType[] {
    const seen = new Map<string, ResourceType>();
    for (const t of this.registry.all()) if (!seen.has(`${t.group}/${t.plural}`)) seen.set(`${t.group}/${t.plural}`, t);
    return [...seen.values()];
  }

  // Controllers ------------------------------------------------------------------------------

  /** LimitRange defaults and limits, then quotas (as the admission plugins); a refusal is a 403 naming the pod as sent. */
  private admitPod(namespace: string, pod: JsonObject, shownName: string): void {
    const quotas = this.stored(this.builtin('ResourceQuota'), namespace);
    const refusal =
      limitRangeRefusal(pod, this.stored(this.builtin('LimitRange'), namespace)) ?? (quotas.length ? quotaRefusal(pod, quotas, this.stored(this.builtin('Pod'), namespace)) : undefined);
    if (refusal) throw errors.forbidden({ group: '', resource: 'pods', name: shownName }, refusal);
  }

  /** The quota controller: `status.used` of the namespace's quotas. */
  private refreshQuotas(namespace: string): void {
    const t = this.builtin('ResourceQuota');
    const quotas = this.stored(t, namespace);
    if (quotas.length === 0) return;
    const pods = this.stored(this.builtin('Pod'), namespace);
    for (const q of quotas) {
      const status = quotaStatus(q, pods);
      const stored = this.find(t, namespace, String(meta(q).name));
      if (stored && !deepEqual(status, q.status)) this.writeStatus(t, stored, status, 'kube-controller-manager');
    }
  }

  private afterWrite(t: ResourceType, old: JsonObject | undefined, obj: JsonObject): void {
    const m = meta(obj);
    const spec = isObject(obj.spec) ? obj.spec : {};
    const held = (Array.isArray(m.finalizers) && m.finalizers.length > 0) || (t.kind === 'Namespace' && !t.custom && !(Array.isArray(spec.finalizers) && spec.finalizers.length === 0));
    if (m.deletionTimestamp && !held) {
      this.remove(t, obj);
      return;
    }
    if (t.custom) return;
    if (t.kind === 'CustomResourceDefinition') {
      this.later(this.opts.crdEstablishDelayMs, () => this.establish(String(m.name)));
    }
    const specChanged = !old || meta(old).generation !== m.generation;
    if (ROLLOUT_KINDS.has(t.kind) && specChanged) this.runController(t, String(m.namespace ?? ''), String(m.name));
    if (t.namespaced) this.controllers.written(t.kind, String(m.namespace), String(m.name), specChanged, !old);
  }

  private afterDelete(t: ResourceType, obj: JsonObject, orphan: boolean): void {
    const m = meta(obj);
    if (t.namespaced && !orphan) this.collectDependents(String(m.namespace), String(m.uid));
    if (t.namespaced && !t.custom) this.controllers.deleted(t.kind, obj);
    if (t.custom || t.kind !== 'CustomResourceDefinition') return;
    const name = String(meta(obj).name);
    const types = this.registry.all().filter((r) => r.custom && `${r.plural}.${r.group}` === name);
    if (types[0]) for (const o of [...this.bucket(types[0]).values()]) this.remove(types[0], o);
    this.registry.setCustom(name, undefined);
  }

  /** The garbage collector (background propagation): objects whose ownerReferences name a deleted owner go too. */
  private collectDependents(namespace: string, uid: string): void {
    for (const t of this.storedTypes()) {
      if (!t.namespaced) continue;
      for (const o of [...this.bucket(t).values()]) {
        const refs = meta(o).ownerReferences;
        if (meta(o).namespace === namespace && Array.isArray(refs) && refs.some((r) => isObject(r) && r.uid === uid)) {
          this.delete(t, namespace, String(meta(o).name), { dryRun: false, fieldManager: 'kube-controller-manager' });
        }
      }
    }
  }

  private establish(name: string): void {
    const t = this.type('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    const crd = this.find(t, '', name);
    if (!crd || meta(crd).deletionTimestamp) return;
    this.registry.setCustom(name, crd);
    const spec = isObject(crd.spec) ? crd.spec : {};
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
    const storage = versions.find((v) => v.storage === true) ?? versions[0];
    const ts = now();
    const status = {
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: ts, reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', lastTransitionTime: ts, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
      acceptedNames: clone(spec.names ?? {}),
      storedVersions: storage ? [String(storage.name)] : [],
    };
    this.writeStatus(t, crd, status, 'kube-apiserver');
  }

  private writeStatus(t: ResourceType, obj: JsonObject, status: JsonObject, manager: string): void {
    const next = this.present(t, obj);
    next.status = status;
    this.commitUpdate(t, obj, next, { dryRun: false, fieldManager: manager }, 'status', 'update');
  }

  /** StatefulSets and DaemonSets get a status only (no pods); Deployments and Jobs run in workloads.ts unless pending. */
  private runController(t: ResourceType, namespace: string, name: string): void {
    const obj = this.find(t, namespace, name);
    const state = this.rolloutOverrides.get(`${t.kind}/${namespace}/${name}`) ?? this.opts.rollout;
    if (!obj || ((t.kind === 'Deployment' || t.kind === 'Job') && state !== 'pending')) return;
    const status = rolloutStatus(this.present(t, obj), state, now());
    if (status) this.writeStatus(t, obj, status, 'kube-controller-manager');
  }

  /** Sets how a workload's rollout goes from now on (also for later generations) and updates its status. */
  setRolloutState(kind: string, namespace: string, name: string, state: RolloutState): void {
    const t = this.registry.all().find((r) => r.kind === kind && !r.custom);
    if (!t || !ROLLOUT_KINDS.has(kind)) throw new Error(`no rollout for kind ${kind}`);
    this.rolloutOverrides.set(`${kind}/${namespace}/${name}`, state);
    if (!this.find(t, namespace, name)) return;
    this.runController(t, namespace, name);
    this.controllers.resync([namespace]);
  }

  /** Pods matching `match` behave so from now on; live pods and their workloads follow at once. */
  setPodBehaviour(match: PodMatch, behaviour: PodBehaviour): void {
    const namespaces = this.list(this.builtin('Namespace'), {}).map((n) => String(meta(n).name));
    this.controllers.setPodBehaviour(match, behaviour, match.namespace !== undefined ? [match.namespace] : namespaces);
  }

  /** Ends a Job's running pods, succeeded or failed. */
  finishJob(namespace: string, name: string, succeeded: boolean): void {
    this.rolloutOverrides.set(`Job/${namespace}/${name}`, succeeded ? 'complete' : 'failed');
    this.controllers.finishJob(namespace, name, succeeded);
  }
}

/** What the server stores instead of what was sent: a Secret's stringData goes into data, base64-encoded. */
function normalize(t: ResourceType, obj: JsonObject): void {
  if (t.custom || t.kind !== 'Secret' || !isObject(obj.stringData)) return;
  const data = isObject(obj.data) ? obj.data : (obj.data = {});
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  delete obj.stringData;
}

/** The fields of built-in kinds that may not change after creation. */
function validateUpdate(t: ResourceType, old: JsonObject, next: JsonObject): void {
  const causes: StatusCause[] = [];
  const spec = (o: JsonObject) => (isObject(o.spec) ? o.spec : {});
  // The real message quotes the new value as Go prints it: for a Job's template, some 3 KB.
  const immutable = (field: string, a: Json | undefined, b: Json | undefined, goType?: string) => {
    if (!deepEqual(a, b)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goType ? goValue(b, goType) : JSON.stringify(b ?? null)}: field is immutable`, field });
  };
  switch (t.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      immutable('spec.selector', spec(old).selector, spec(next).selector);
      break;
    case 'StatefulSet': {
      const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, ...rest } = spec(next);
      const { replicas: _r2, ordinals: _o2, template: _t2, updateStrategy: _u2, persistentVolumeClaimRetentionPolicy: _p2, minReadySeconds: _m2, ...oldRest } = spec(old);
      if (!deepEqual(rest, oldRest)) {
        causes.push({
          reason: 'FieldValueForbidden',
          message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          field: 'spec',
        });
      }
      break;
    }
    case 'Job':
      immutable('spec.selector', spec(old).selector, spec(next).selector);
      immutable('spec.template', spec(old).template, spec(next).template, 'V1PodTemplateSpec');
      immutable('spec.completions', spec(old).completions, spec(next).completions);
      break;
    case 'Service':
      if (spec(old).clusterIP) immutable('spec.clusterIP', spec(old).clusterIP, spec(next).clusterIP);
      break;
    case 'PersistentVolumeClaim': {
      const strip = (o: JsonObject) => {
        const { resources: _r, volumeAttributesClassName: _v, ...rest } = spec(o);
        return rest;
      };
      if (!deepEqual(strip(old), strip(next))) {
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims', field: 'spec' });
      }
      break;
    }
    case 'ConfigMap':
    case 'Secret':
      if (t.kind === 'Secret') immutable('type', old.type, next.type);
      if (old.immutable === true) {
        for (const f of ['data', 'binaryData', 'stringData']) {
          if (!deepEqual(old[f], next[f])) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: f });
        }
        if (next.immutable !== true) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'immutable' });
      }
      break;
  }
  if (causes.length) throw errors.invalid(t.kind, t.group, String(meta(next).name), causes);
}

function specChanged(a: JsonObject, b: JsonObject): boolean {
  const strip = (o: JsonObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(a) as Json, strip(b) as Json);
}

/** Compares objects ignoring managedFields timestamps (a no-op write keeps the old ones). */
function withoutTimes(o: JsonObject): JsonObject {
  const c = clone(o);
  const m = meta(c);
  if (Array.isArray(m.managedFields)) for (const e of m.managedFields) if (isObject(e)) delete e.time;
  return c;
}

function scaleOf(obj: JsonObject): JsonObject {
  const m = meta(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const selector = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name!, namespace: m.namespace!, uid: m.uid!, resourceVersion: m.resourceVersion!, creationTimestamp: m.creationTimestamp! },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(',') },
  };
}

/** The 5 characters generateName appends; derived from the resourceVersion counter, so runs repeat. */
function nameSuffix(seed: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha256').update(String(seed)).digest();
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[h[i]! % alphabet.length];
  return s;
}
