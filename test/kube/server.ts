// A Kubernetes API test server: the real REST protocol over plain HTTP on 127.0.0.1, good
// enough for `kubectl` v1.32 and @kubernetes/client-node 1.x. Tests start one per suite:
//
//   const kube = await startKubeServer();
//   … KUBECONFIG=kube.kubeconfigPath, or `kubectl --kubeconfig kube.kubeconfigPath …`
//   kube.setRolloutState({ kind: 'Deployment', namespace: 'app', name: 'web' }, 'failed');
//   kube.inject({ match: (r) => r.verb === 'patch', status: 500, times: 2 });
//   kube.objects({ kind: 'ConfigMap', namespace: 'app' });
//   await kube.close();
//
// Served: discovery (/version, /api, /apis, group versions, aggregated discovery v2), OpenAPI v3
// (enough for kubectl's server-side field validation), CRUD + watch + deletecollection of the
// kinds in resources.ts and of custom resources once their CRD is Established, server-side apply
// with managedFields and conflicts, merge/strategic-merge/JSON patches, label and field
// selectors, dryRun=All, Table and PartialObjectMetadata responses, Status error bodies.
// Like the real server, list items of built-in kinds carry no apiVersion/kind.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { clone, isObject } from './fieldset.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, gvOf, openApiDocument, openApiIndex, type ResourceType } from './resources.js';
import type { PodBehaviour, PodMatch } from './pods.js';
import type { RolloutState } from './rollout.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ClusterState, type ListOptions, type PatchType, type WatchEvent } from './state.js';
import { decodeProtobuf } from './protobuf.js';
import { ApiError, errors, REASONS } from './status.js';
import { isApiRequest, table } from './table.js';

export type { RolloutState } from './rollout.js';
export type { PodBehaviour, PodMatch } from './pods.js';

export interface KubeServerOptions {
  /** How long a deleted namespace stays Terminating before it and its objects are gone (default 3 s, as a small real cluster). */
  namespaceDeletionDelayMs?: number;
  /** Delay before a created CRD is Established and its kinds are served (default 0: at once). */
  crdEstablishDelayMs?: number;
  /** How workload rollouts go unless set per object with setRolloutState (default 'complete'). */
  rollout?: RolloutState;
  /** A Deployment that has not rolled out gets ProgressDeadlineExceeded after this long (default: its spec.progressDeadlineSeconds, 600 s). */
  progressDeadlineMs?: number;
  /** Answer aggregated discovery when asked (default true); false serves only the legacy documents. */
  aggregatedDiscovery?: boolean;
  /** Bearer token written into the kubeconfig (default: random). A request with another token gets 401. */
  token?: string;
  /**
   * Also refuse requests without a token (default false). kubectl never sends a token over plain
   * http (kubernetes/kubectl#744), so only clients such as @kubernetes/client-node can pass this.
   */
  requireToken?: boolean;
}

/** A request as the predicate of a fault (and the request log) sees it. */
export interface RequestInfo {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The API verb for resource requests: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string;
  group?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  contentType?: string;
  accept?: string;
  userAgent?: string;
  /** The request body, parsed as JSON or YAML when possible. */
  body?: Json;
}

export interface LoggedRequest extends RequestInfo {
  /** Response status; 0 when the connection was dropped. */
  status: number;
  /** Which injected fault answered, if any. */
  fault?: 'status' | 'drop' | 'delay';
}

export interface Fault {
  /** Which requests the fault hits (default: all). */
  match?: (r: RequestInfo) => boolean;
  /** How many matching requests it hits (default 1; Infinity for all). */
  times?: number;
  /** Answer with this status and a Status body (500, 503, 429…). */
  status?: number;
  /** Retry-After for 429/503 answers (default 1); given, it is sent with any status. */
  retryAfterSeconds?: number;
  /** Close the connection without an answer. */
  drop?: boolean;
  /** Wait this long before answering (then answer normally unless `status`/`drop` is also set). */
  delayMs?: number;
}

export interface FaultHandle {
  /** Requests the fault has hit so far. */
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface ObjectFilter {
  /** e.g. `apps/v1`; default: the served version of the kind. */
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  labelSelector?: string;
}

export interface KubeServer {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly token: string;
  /** A temporary directory owned by the server (removed by close()). */
  readonly dir: string;
  /** A kubeconfig (context `kube-test`, namespace `default`) pointing at the server. */
  readonly kubeconfigPath: string;
  /** A private kubectl discovery cache directory (`kubectl --cache-dir`). */
  readonly cacheDir: string;
  /** Every request, in arrival order. */
  readonly requests: LoggedRequest[];
  clearRequests(): void;
  inject(fault: Fault): FaultHandle;
  /** Copies of stored objects, sorted by namespace/name, with apiVersion and kind (only namespaced ones when `namespace` is given). */
  objects(filter?: ObjectFilter): JsonObject[];
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): JsonObject | undefined;
  /**
   * Creates objects directly (field manager `test-seed`), as if a client had POSTed them, except
   * that a given metadata.creationTimestamp is kept (to seed old objects).
   */
  seed(...objs: JsonObject[]): JsonObject[];
  /** How a Deployment/StatefulSet/DaemonSet rollout or a Job goes, now and for its later generations. */
  setRolloutState(ref: ObjectRef, state: RolloutState): void;
  /**
   * How the containers of matching pods behave from now on (the latest matching rule wins over the
   * rollout state): `ready`, `starting`, `ImagePullBackOff`, `ErrImagePull`, `CrashLoopBackOff`,
   * `CreateContainerConfigError`, `succeeded`, `failed`, or `{ waiting: reason, message }`.
   */
  setPodBehaviour(match: PodMatch, behaviour: PodBehaviour): void;
  /** Completes (or fails) a Job: its running pod ends so. */
  completeJob(namespace: string, name: string, succeeded?: boolean): void;
  /** Writes another kubeconfig for the server (e.g. with another default namespace); returns its path. */
  writeKubeconfig(path: string, opts?: { namespace?: string; context?: string; token?: string }): string;
  readonly resourceVersion: number;
  close(): Promise<void>;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export async function startKubeServer(options: KubeServerOptions = {}): Promise<KubeServer> {
  const state = new ClusterState({
    namespaceDeletionDelayMs: options.namespaceDeletionDelayMs ?? 3000,
    crdEstablishDelayMs: options.crdEstablishDelayMs ?? 0,
    rollout: options.rollout ?? 'complete',
    progressDeadlineMs: options.progressDeadlineMs,
  });
  const token = options.token ?? randomBytes(16).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'kube-test-'));
  const requests: LoggedRequest[] = [];
  const faults: { fault: Fault; remaining: number; hits: number }[] = [];
  const watches = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const aggregated = options.aggregatedDiscovery ?? true;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, errors.internal((e as Error).message).code, errors.internal((e as Error).message).toStatus());
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const raw = await readBody(req);
    const info: RequestInfo = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
    };
    let route: Route | undefined;
    let routeError: ApiError | undefined;
    try {
      route = resolve(u.pathname);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      routeError = e;
    }
    if (route) Object.assign(info, describeRoute(route, info.method, u.searchParams));
    if (raw.length) info.body = parseBody(raw, info.contentType);
    const entry: LoggedRequest = { ...info, status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));

    const f = faults.find((x) => x.remaining > 0 && (!x.fault.match || x.fault.match(info)));
    if (f) {
      f.remaining--;
      f.hits++;
      const { fault } = f;
      if (fault.delayMs) {
        entry.fault = 'delay';
        await new Promise((r) => setTimeout(r, fault.delayMs));
      }
      if (fault.drop) {
        entry.fault = 'drop';
        req.socket.destroy();
        return;
      }
      if (fault.status) {
        entry.fault = 'status';
        const retry = fault.retryAfterSeconds ?? 1;
        const err =
          fault.status === 429
            ? errors.tooManyRequests(retry)
            : fault.status === 503
              ? new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', { retryAfterSeconds: retry })
              : fault.status === 500
                ? errors.internal('injected fault')
                : new ApiError(fault.status, REASONS[fault.status] ?? 'Unknown', `injected fault (${fault.status})`);
        const withRetryAfter = fault.status === 429 || fault.status === 503 || fault.retryAfterSeconds !== undefined;
        send(res, err.code, err.toStatus(), withRetryAfter ? { 'Retry-After': String(retry) } : {});
        return;
      }
    }

    const auth = req.headers.authorization;
    if (auth !== undefined ? auth !== `Bearer ${token}` : options.requireToken) {
      send(res, 401, new ApiError(401, 'Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    try {
      if (routeError) throw routeError;
      if (route) serveResource(route, req, res, u.searchParams, info);
      else serveNonResource(u.pathname, req, res);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      send(res, e.code, e.toStatus());
    }
  }

  function parseBody(raw: Buffer, contentType: string | undefined): Json | undefined {
    try {
      if (contentType?.includes('protobuf')) return decodeProtobuf(raw);
      const text = raw.toString('utf8');
      return contentType?.includes('yaml') ? (parseYaml(text) as Json) : (JSON.parse(text) as Json);
    } catch {
      return undefined;
    }
  }

  function send(res: ServerResponse, code: number, body: Json, headers: Record<string, string> = {}, contentType = 'application/json'): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
    res.end(text);
  }

  /** Maps a resource URL to its type, namespace, name and subresource; undefined for non-resource paths. */
  function resolve(path: string): Route | undefined {
    const segs = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 3) [group, version, rest] = ['', segs[1]!, segs.slice(2)];
    else if (segs[0] === 'apis' && segs.length >= 4) [group, version, rest] = [segs[1]!, segs[2]!, segs.slice(3)];
    else return undefined;
    const ns = rest[0] === 'namespaces' && rest.length >= 3 ? state.registry.lookup(group, version, rest[2]!) : undefined;
    let route: Route;
    if (ns?.namespaced) {
      if (rest.length > 5) throw errors.notFoundPath();
      route = { type: ns, namespace: rest[1], name: rest[3], subresource: rest[4] };
    } else {
      if (rest.length > 3) throw errors.notFoundPath();
      route = { type: state.type(group, version, rest[0]!), name: rest[1], subresource: rest[2] };
    }
    const sub = route.subresource;
    if (sub !== undefined && !((sub === 'status' && route.type.status) || (sub === 'scale' && route.type.scale))) throw errors.notFoundPath();
    return route;
  }

  function describeRoute(r: Route, method: string, q: URLSearchParams): Partial<RequestInfo> {
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb =
      method === 'GET'
        ? r.name
          ? 'get'
          : watch
            ? 'watch'
            : 'list'
        : method === 'POST'
          ? 'create'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : method === 'DELETE'
                ? r.name
                  ? 'delete'
                  : 'deletecollection'
                : method.toLowerCase();
    return { verb, group: r.type.group, resource: r.type.plural, namespace: r.namespace, name: r.name, subresource: r.subresource };
  }

  function serveNonResource(path: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') throw errors.methodNotAllowed(req.method ?? '');
    const accept = req.headers.accept ?? '';
    const wantsAggregated = aggregated && /as=APIGroupDiscoveryList/.test(accept);
    const aggVersion = /g=apidiscovery\.k8s\.io;v=v2(?!beta)/.test(accept) ? 'v2' : 'v2beta1';
    const segs = path.split('/').filter(Boolean);
    if (path === '/version') return send(res, 200, VERSION);
    if (['/healthz', '/readyz', '/livez'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (path === '/api' || path === '/apis') {
      if (wantsAggregated) {
        const ct = `application/json;g=apidiscovery.k8s.io;v=${aggVersion};as=APIGroupDiscoveryList`;
        return send(res, 200, aggregatedDiscovery(state.registry, path === '/api', `apidiscovery.k8s.io/${aggVersion}`), {}, ct);
      }
      if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] });
      return send(res, 200, apiGroupList(state.registry));
    }
    if (segs[0] === 'api' && segs.length === 2 && segs[1] === 'v1') return send(res, 200, apiResourceList(state.registry, '', 'v1'));
    if (segs[0] === 'apis' && segs.length === 2) {
      const vs = state.registry.groups().get(segs[1]!);
      if (vs) return send(res, 200, apiGroup(segs[1]!, vs));
    }
    if (segs[0] === 'apis' && segs.length === 3 && state.registry.groups().get(segs[1]!)?.includes(segs[2]!)) {
      return send(res, 200, apiResourceList(state.registry, segs[1]!, segs[2]!));
    }
    if (path === '/openapi/v3') return send(res, 200, openApiIndex(state.registry));
    if (segs[0] === 'openapi' && segs[1] === 'v3' && segs.length >= 4) {
      const [g, v] = segs[2] === 'api' ? ['', segs[3]!] : [segs[3]!, segs[4]!];
      if (state.registry.groups().get(g)?.includes(v)) return send(res, 200, openApiDocument(state.registry, g, v));
    }
    throw errors.notFoundPath();
  }

  function listOptions(r: Route, q: URLSearchParams): ListOptions {
    return {
      namespace: r.namespace,
      labels: parseLabelSelector(q.get('labelSelector') ?? ''),
      fields: parseFieldSelector(q.get('fieldSelector') ?? '', r.type.kind),
    };
  }

  function dryRun(q: URLSearchParams, body?: Json): boolean {
    const values = [...q.getAll('dryRun'), ...(isObject(body) && Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
    for (const v of values) if (v !== 'All') throw errors.badRequest(`Invalid value: "${v}": supported values: "All"`);
    return values.length > 0;
  }

  function serveResource(r: Route, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, info: RequestInfo): void {
    const t = r.type;
    const ns = r.namespace ?? '';
    const body = info.body;
    const accept = req.headers.accept ?? '';
    const write = {
      fieldManager: q.get('fieldManager') ?? undefined,
      userAgent: (req.headers['user-agent'] ?? '').split('/')[0] || undefined,
      fieldValidation: q.get('fieldValidation') ?? undefined,
    };
    if (r.subresource === 'scale') return serveScale(r, res, q, info, write);
    if (info.verb === 'get') return sendObject(res, 200, state.get(t, ns, r.name!), accept, q, t);
    if (info.verb === 'list') {
      const items = state.list(t, listOptions(r, q));
      return sendList(res, t, items, accept, q);
    }
    if (info.verb === 'watch') return watch(r, req, res, q);
    if (t.namespaced && !r.namespace && (info.verb === 'create' || info.verb === 'deletecollection')) throw errors.methodNotAllowed(info.verb);
    // Protobuf only for what protobuf.ts decodes (kubectl create namespace|configmap|secret).
    if (/protobuf|cbor/.test(info.contentType ?? '') && info.body === undefined) throw errors.unsupportedMediaType(info.contentType!);
    if (info.body === undefined && ['create', 'update', 'patch'].includes(info.verb ?? '')) {
      throw errors.badRequest(`the body of the request could not be decoded as ${info.contentType ?? 'JSON'}`);
    }
    switch (info.verb) {
      case 'create':
        if (r.subresource) throw errors.methodNotAllowed('create');
        return sendObject(res, 201, state.create(t, ns, body!, { ...write, dryRun: dryRun(q) }), accept, q, t);
      case 'update':
        return sendObject(res, 200, state.update(t, ns, r.name!, body!, { ...write, dryRun: dryRun(q) }, r.subresource), accept, q, t);
      case 'patch': {
        const type = patchType(info.contentType);
        const existed = state.find(t, ns, r.name!) !== undefined;
        const force = q.get('force') === 'true';
        if (force && type !== 'apply') throw errors.badRequest('Forbidden: may not be specified for non-apply patch');
        const out = state.patch(t, ns, r.name!, type, body!, { ...write, dryRun: dryRun(q), force }, r.subresource);
        return sendObject(res, existed ? 200 : 201, out, accept, q, t);
      }
      case 'delete': {
        const opts = isObject(body) ? body : {};
        const pre = isObject(opts.preconditions) ? opts.preconditions : {};
        const result = state.delete(t, ns, r.name!, {
          ...write,
          dryRun: dryRun(q, body),
          preconditions: { uid: typeof pre.uid === 'string' ? pre.uid : undefined, resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined },
          propagationPolicy: typeof opts.propagationPolicy === 'string' ? opts.propagationPolicy : opts.orphanDependents === true ? 'Orphan' : (q.get('propagationPolicy') ?? undefined),
        });
        // A deletion that waits (namespaces, finalizers) answers with the object: 200, or 202 when
        // the client asked for cascading deletion with orphanDependents=false (as the real server).
        if (!result.immediate) return sendObject(res, opts.orphanDependents === false ? 202 : 200, result.object, accept, q, t);
        const m = isObject(result.object.metadata) ? result.object.metadata : {};
        const details: JsonObject = { name: r.name!, kind: t.plural, uid: m.uid ?? '' };
        if (t.group) details.group = t.group;
        return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
      }
      case 'deletecollection': {
        const dry = dryRun(q, body);
        const deleted = state.list(t, listOptions(r, q)).map((o) => {
          const m = o.metadata as JsonObject;
          return state.delete(t, String(m.namespace ?? ''), String(m.name), { ...write, dryRun: dry }).object;
        });
        return sendList(res, t, deleted, accept, q);
      }
    }
    throw errors.methodNotAllowed(info.verb ?? req.method ?? '');
  }

  function serveScale(r: Route, res: ServerResponse, q: URLSearchParams, info: RequestInfo, write: { fieldManager?: string; userAgent?: string }): void {
    const ns = r.namespace ?? '';
    if (info.verb === 'get') return send(res, 200, state.getScale(r.type, ns, r.name!));
    if (info.verb !== 'update' && info.verb !== 'patch') throw errors.methodNotAllowed(info.verb ?? '');
    if (info.body === undefined) throw errors.badRequest('the body of the request could not be decoded');
    const type = info.verb === 'update' ? 'update' : patchType(info.contentType);
    send(res, 200, state.writeScale(r.type, ns, r.name!, type, info.body, { ...write, dryRun: dryRun(q) }));
  }

  function patchType(contentType: string | undefined): PatchType {
    const ct = (contentType ?? '').split(';')[0]!.trim();
    switch (ct) {
      case 'application/apply-patch+yaml':
      case 'application/apply-patch+cbor':
        return 'apply';
      case 'application/merge-patch+json':
        return 'merge';
      case 'application/strategic-merge-patch+json':
        return 'strategic';
      case 'application/json-patch+json':
        return 'json';
    }
    throw errors.unsupportedMediaType(ct);
  }

  function sendObject(res: ServerResponse, code: number, obj: JsonObject, accept: string, q: URLSearchParams, t: ResourceType): void {
    if (isApiRequest(accept, 'Table')) return send(res, code, table(t, [obj], q.get('includeObject') ?? 'Metadata', String(state.resourceVersion)));
    if (isApiRequest(accept, 'PartialObjectMetadata')) return send(res, code, partial(obj));
    send(res, code, obj);
  }

  function sendList(res: ServerResponse, t: ResourceType, all: JsonObject[], accept: string, q: URLSearchParams): void {
    const limit = Number(q.get('limit') ?? 0);
    const start = q.get('continue') ? continueOffset(q.get('continue')!) : 0;
    const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const listMeta: JsonObject = { resourceVersion: String(state.resourceVersion) };
    if (limit > 0 && start + limit < all.length) {
      listMeta.continue = Buffer.from(JSON.stringify({ start: start + limit })).toString('base64url');
      listMeta.remainingItemCount = all.length - start - limit;
    }
    if (isApiRequest(accept, 'Table')) {
      const tbl = table(t, items, q.get('includeObject') ?? 'Metadata', String(state.resourceVersion));
      tbl.metadata = listMeta;
      return send(res, 200, tbl);
    }
    if (isApiRequest(accept, 'PartialObjectMetadataList')) {
      return send(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: items.map(partial) });
    }
    const out = items.map((o) => {
      if (t.custom) return o;
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    send(res, 200, { kind: `${t.kind}List`, apiVersion: gvOf(t), metadata: listMeta, items: out });
  }

  function continueOffset(token: string): number {
    try {
      const start = Number((JSON.parse(Buffer.from(token, 'base64url').toString()) as { start?: unknown }).start);
      if (Number.isInteger(start) && start >= 0) return start;
    } catch {
      // fall through
    }
    throw errors.badRequest(`invalid continue token: ${token}`);
  }

  function watch(r: Route, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
    const opts = listOptions(r, q);
    const t = r.type;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    // Clients wait for the headers before they read (and before they can cancel) a quiet watch.
    res.flushHeaders();
    watches.add(res);
    // `kubectl get -w` asks for each event's object as a one-row Table.
    const asTable = isApiRequest(req.headers.accept ?? '', 'Table');
    const write = (type: string, object: JsonObject) => {
      const out = asTable && type !== 'ERROR' && type !== 'BOOKMARK' ? table(t, [object], q.get('includeObject') ?? 'Metadata', String(state.resourceVersion)) : object;
      res.write(`${JSON.stringify({ type, object: out })}\n`);
    };
    const since = q.get('resourceVersion');
    const initial = q.get('sendInitialEvents') === 'true' || !since || since === '0';
    if (initial) {
      for (const o of state.list(t, opts)) write('ADDED', o);
      if (q.get('sendInitialEvents') === 'true') {
        write('BOOKMARK', { kind: t.kind, apiVersion: gvOf(t), metadata: { resourceVersion: String(state.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } } });
      }
    } else {
      const from = Number(since);
      const oldest = state.history[0]?.rv ?? state.resourceVersion;
      if (from < oldest - 1 && from < state.resourceVersion) {
        write('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${oldest - 1})`, reason: 'Expired', code: 410 });
        res.end();
        watches.delete(res);
        return;
      }
      for (const e of state.history) {
        const type = e.rv > from ? state.watchEvent(t, e, opts) : undefined;
        if (type) write(type, state.present(t, e.object));
      }
    }
    const off = state.onEvent((e: WatchEvent) => {
      const type = state.watchEvent(t, e, opts);
      if (type) write(type, state.present(t, e.object));
    });
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const stop = () => {
      off();
      if (timer) clearTimeout(timer);
      watches.delete(res);
    };
    res.on('close', stop);
    req.on('close', stop);
  }

  function partial(obj: JsonObject): JsonObject {
    return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: clone(obj.metadata ?? {}) };
  }

  function writeKubeconfig(path: string, opts: { namespace?: string; context?: string; token?: string } = {}): string {
    const context = opts.context ?? 'kube-test';
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses http:// unless TLS verification is (pointlessly) switched off.
      clusters: [{ name: 'kube-test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'kube-test', user: { token: opts.token ?? token } }],
      contexts: [{ name: context, context: { cluster: 'kube-test', user: 'kube-test', namespace: opts.namespace ?? 'default' } }],
      'current-context': context,
      preferences: {},
    };
    writeFileSync(path, JSON.stringify(config, null, 2));
    return path;
  }

  const kubeconfigPath = writeKubeconfig(join(dir, 'kubeconfig'));

  function typeOf(apiVersion: string | undefined, kind: string): ResourceType {
    const t = state.registry.all().find((r) => r.kind === kind && (!apiVersion || gvOf(r) === apiVersion));
    if (!t) throw new Error(`kind ${apiVersion ?? ''} ${kind} is not served`);
    return t;
  }

  return {
    url,
    token,
    dir,
    kubeconfigPath,
    cacheDir: join(dir, 'cache'),
    requests,
    get resourceVersion() {
      return state.resourceVersion;
    },
    clearRequests() {
      requests.length = 0;
    },
    inject(fault) {
      const f = { fault, remaining: fault.times ?? 1, hits: 0 };
      faults.push(f);
      return {
        get hits() {
          return f.hits;
        },
        get remaining() {
          return f.remaining;
        },
        cancel() {
          f.remaining = 0;
        },
      };
    },
    objects(filter = {}) {
      const types = (filter.kind ? [typeOf(filter.apiVersion, filter.kind)] : uniqueTypes()).filter((t) => t.namespaced || filter.namespace === undefined);
      const labels = parseLabelSelector(filter.labelSelector ?? '');
      return types.flatMap((t) => state.list(t, { namespace: filter.namespace, labels }));
    },
    get(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      const obj = state.find(t, namespace ?? '', name);
      return obj && state.present(t, obj);
    },
    seed(...objs) {
      return objs.map((o) => {
        const t = typeOf(String(o.apiVersion), String(o.kind));
        const m = isObject(o.metadata) ? o.metadata : {};
        return state.create(t, String(m.namespace ?? (t.namespaced ? 'default' : '')), o, { dryRun: false, fieldManager: 'test-seed', keepCreationTimestamp: true });
      });
    },
    setRolloutState(ref, rollout) {
      state.setRolloutState(ref.kind, ref.namespace ?? '', ref.name, rollout);
    },
    setPodBehaviour(match, behaviour) {
      state.setPodBehaviour(match, behaviour);
    },
    completeJob(namespace, name, succeeded = true) {
      state.finishJob(namespace, name, succeeded);
    },
    writeKubeconfig,
    async close() {
      state.close();
      for (const w of watches) w.end();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  function uniqueTypes(): ResourceType[] {
    const seen = new Map<string, ResourceType>();
    for (const t of state.registry.all()) if (!seen.has(`${t.group}/${t.plural}`)) seen.set(`${t.group}/${t.plural}`, t);
    return [...seen.values()];
  }
}
