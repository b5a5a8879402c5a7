// The only module that touches @kubernetes/client-node, loaded with a dynamic import so that
// commands which never talk to a cluster never pay for it. It adds what the library leaves out:
// retries (429, 502-504, 5xx with Retry-After, dropped connections) in the HTTP layer, whether
// an apply created the object (HTTP 201), strict field validation like `kubectl apply --server-side`, and
// plain JSON in and out (the typed models would silently drop fields they do not know).
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { KtsError } from '../errors.js';
import { cloneAsFloats } from '../kustomize/json.js';
import type { Json, JsonObject } from '../kustomize/resource.js';
import { splitApiVersion } from '../kustomize/resource.js';
import { sleep } from './limit.js';
import type { Scope } from './plan.js';
import { DEFAULT_RETRY, isRetryableNetworkError, isRetryableStatus, nextDelay, retryAfterMs, type RetryPolicy } from './retry.js';

export interface ApplyOptions {
  fieldManager: string;
  force?: boolean;
  dryRun?: boolean;
}

export interface KubeClient {
  /** The API server URL, for messages. */
  readonly server: string;
  /** The kubeconfig context's namespace, else `default`. */
  readonly contextNamespace: string;
  scope(apiVersion: string, kind: string): Promise<Scope | undefined>;
  /** The preferred version of an API group ('' is the core group), undefined when not served. */
  preferredVersion(group: string): Promise<string | undefined>;
  /** Server-side apply; `created` is true when the object did not exist before. */
  apply(obj: JsonObject, opts: ApplyOptions): Promise<{ obj: JsonObject; created: boolean }>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<JsonObject | undefined>;
  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<JsonObject[]>;
  /** Returns false when the object was already gone. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts?: { dryRun?: boolean }): Promise<boolean>;
  /** POST: fails with 409 AlreadyExists when the object exists (how a lease is taken first). */
  create(obj: JsonObject, fieldManager: string): Promise<JsonObject>;
  /** PUT with the object's resourceVersion: fails with 409 Conflict when someone else wrote it since. */
  replace(obj: JsonObject, fieldManager: string): Promise<JsonObject>;
  /** How many requests were retried so far. */
  readonly retries: number;
}

export interface ConnectOptions {
  /** kubeconfig context to use instead of the current one. */
  context?: string;
  /** Explicit kubeconfig file (otherwise KUBECONFIG, ~/.kube/config, then the in-cluster service account). */
  kubeconfig?: string;
  retry?: RetryPolicy;
  /** Give up on a request (and retry it) after this long without a response; 0 waits forever. Default 60 s. */
  requestTimeoutMs?: number;
  /** Called before each retry, e.g. to print a warning. */
  onRetry?: (what: string, retry: number, delayMs: number) => void;
  /** Runs once connected, before the command's requests (e.g. checking that a reserved cluster is still ours). */
  afterConnect?: (client: KubeClient) => Promise<void>;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * KUBECONFIG lists files merged the way kubectl does: missing files are skipped, the first file
 * to define a cluster, user or context name wins, and so does the first current-context. (The
 * library's own merge throws on duplicate names and lets the last current-context win.)
 */
function loadKubeconfigList(k8s: typeof K8s, list: string): K8s.KubeConfig {
  const files = list.split(delimiter).filter((f) => f && existsSync(f));
  if (files.length === 0) throw new KtsError('kubeconfig', `none of the files in KUBECONFIG exist (${list})`);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(files[0]!);
  for (const file of files.slice(1)) {
    const next = new k8s.KubeConfig();
    next.loadFromFile(file);
    for (const c of next.clusters) if (!kc.getCluster(c.name)) kc.addCluster(c);
    for (const u of next.users) if (!kc.getUser(u.name)) kc.addUser(u);
    for (const c of next.contexts) if (!kc.getContextObject(c.name)) kc.addContext(c);
    if (!kc.getCurrentContext() && next.getCurrentContext()) kc.setCurrentContext(next.getCurrentContext());
  }
  return kc;
}

/** Which kubeconfig source applies, or a clear error when there is none (never the library's localhost:8080 guess). */
function loadConfig(k8s: typeof K8s, opts: ConnectOptions): K8s.KubeConfig {
  let kc = new k8s.KubeConfig();
  const home = join(homedir(), '.kube', 'config');
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (process.env.KUBECONFIG) kc = loadKubeconfigList(k8s, process.env.KUBECONFIG);
    else if (existsSync(home)) kc.loadFromFile(home);
    else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) kc.loadFromCluster();
    else throw new KtsError('no-cluster', 'no cluster configured: set KUBECONFIG, create ~/.kube/config, or run inside a pod with a service account');
  } catch (e) {
    if (e instanceof KtsError) throw e;
    throw new KtsError('kubeconfig', `cannot load kubeconfig: ${(e as Error).message}`, { file: opts.kubeconfig ?? process.env.KUBECONFIG });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new KtsError('kubeconfig', `context '${opts.context}' not found (have: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`, { field: '--context' });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new KtsError('kubeconfig', `the kubeconfig has no cluster for context '${kc.getCurrentContext()}'`);
  // kubectl talks to plain-HTTP servers (`kubectl proxy`, local test servers) as configured; the
  // library refuses unless TLS verification is "skipped", which for http:// changes nothing else.
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
  return kc;
}

/** Per-call record of the final HTTP status, carried across the library's promise chain. */
const callStatus = new AsyncLocalStorage<{ status?: number }>();

export async function connect(opts: ConnectOptions = {}): Promise<KubeClient> {
  const k8s = await import('@kubernetes/client-node');
  // The wrapper with registerModel() is not re-exported from the package index.
  const { ObjectSerializer } = await import('@kubernetes/client-node/dist/serializer.js');
  const kc = loadConfig(k8s, opts);
  const cluster = kc.getCurrentCluster()!;
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  const policy = opts.retry ?? DEFAULT_RETRY;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  let retries = 0;

  // The library builds a fresh agent (no keep-alive) for every request, i.e. a new connection and
  // TLS handshake each time; share one keep-alive agent per distinct set of agent options instead.
  const agents = new Map<string, http.Agent>();
  const sharedAgent = (agent: http.Agent | https.Agent | undefined) => {
    if (!agent || (agent.constructor !== http.Agent && agent.constructor !== https.Agent)) return agent;
    const options = (agent as http.Agent & { options: http.AgentOptions }).options;
    const key = `${agent.constructor.name}|${JSON.stringify(options)}`;
    let shared = agents.get(key);
    if (!shared) {
      shared = agent.constructor === https.Agent ? new https.Agent({ ...options, keepAlive: true }) : new http.Agent({ ...options, keepAlive: true });
      agents.set(key, shared);
    }
    return shared;
  };

  const inner = new k8s.IsomorphicFetchHttpLibrary();
  const httpApi = k8s.wrapHttpLibrary({
    async send(req: K8s.RequestContext): Promise<K8s.ResponseContext> {
      const agent = sharedAgent(req.getAgent());
      if (agent) req.setAgent(agent);
      if (req.getHttpMethod() === k8s.HttpMethod.PATCH && req.getHeaders()['Content-Type'] === k8s.PatchStrategy.ServerSideApply) {
        req.setQueryParam('fieldValidation', 'Strict');
      }
      const what = `${req.getHttpMethod()} ${new URL(req.getUrl()).pathname}`;
      for (let attempt = 1; ; attempt++) {
        let rsp: K8s.ResponseContext;
        const signal = requestTimeoutMs > 0 ? AbortSignal.timeout(requestTimeoutMs) : undefined;
        if (signal) req.setSignal(signal);
        try {
          rsp = await inner.send(req).toPromise();
        } catch (err) {
          // Our own timeout is a slow server, worth another try; any other abort is not.
          const failure = signal?.aborted ? Object.assign(new Error(`no response within ${requestTimeoutMs / 1000}s`), { code: 'ETIMEDOUT' }) : err;
          const delay = isRetryableNetworkError(failure) ? nextDelay(attempt, policy) : undefined;
          if (delay === undefined) throw failure;
          retries++;
          opts.onRetry?.(`${what}: ${(failure as Error).message}`, attempt, delay);
          await sleep(delay);
          continue;
        }
        if (isRetryableStatus(rsp.httpStatusCode, rsp.headers['retry-after'])) {
          const delay = nextDelay(attempt, policy, retryAfterMs(rsp.headers['retry-after']));
          if (delay !== undefined) {
            await rsp.body.text().catch(() => '');
            retries++;
            opts.onRetry?.(`${what}: HTTP ${rsp.httpStatusCode}`, attempt, delay);
            await sleep(delay);
            continue;
          }
        }
        const rec = callStatus.getStore();
        if (rec) rec.status = rsp.httpStatusCode;
        return rsp;
      }
    },
  });

  const config = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    httpApi,
  });

  class Api extends k8s.KubernetesObjectApi {
    constructor() {
      super(config);
      this.defaultNamespace = contextNamespace;
    }
    async scopeOf(apiVersion: string, kind: string): Promise<Scope | undefined> {
      try {
        const r = await this.resource(apiVersion, kind);
        return r ? (r.namespaced ? 'Namespaced' : 'Cluster') : undefined;
      } catch (e) {
        if (e instanceof k8s.ApiException && e.code === 404) return undefined;
        throw e;
      }
    }
    async groups(): Promise<K8s.V1APIGroupList> {
      const ctx = this.configuration.baseServer.makeRequestContext('/apis', k8s.HttpMethod.GET);
      ctx.setHeaderParam('Accept', 'application/json');
      return (await this.requestPromise(ctx as K8s.RequestContext, 'V1APIGroupList')) as unknown as K8s.V1APIGroupList;
    }
  }
  const api = new Api();

  // Plain JSON both ways for every kind we touch, and their lists.
  // (integers beyond 2^53, bigints in kts, go out as float64: client-node writes bodies with JSON.stringify)
  const plain = { serialize: (o: unknown) => cloneAsFloats(o as Json), deserialize: (o: unknown) => o };
  const registered = new Set<string>();
  const passThrough = (apiVersion: string, kind: string) => {
    for (const k of [kind, `${kind}List`]) {
      const key = `${apiVersion}|${k}`;
      if (registered.has(key)) continue;
      registered.add(key);
      const { group, version } = splitApiVersion(apiVersion);
      try {
        ObjectSerializer.registerModel({ group, version, kind: k }, plain as never);
      } catch {
        // already registered by an earlier client in this process
      }
    }
  };

  let groupVersions: Map<string, string> | undefined;
  const header = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
    apiVersion,
    kind,
    metadata: namespace ? { name, namespace } : { name },
  });

  const client: KubeClient = {
    server: cluster.server,
    contextNamespace,
    get retries() {
      return retries;
    },
    scope: (apiVersion, kind) => api.scopeOf(apiVersion, kind),
    async preferredVersion(group) {
      if (!group) return 'v1';
      const load = async () => new Map((await api.groups()).groups.map((g) => [g.name, g.preferredVersion?.version ?? g.versions[0]?.version ?? '']));
      groupVersions ??= await load();
      // A group missing from the cached list may come from a CRD created during this run: look again once.
      if (!groupVersions.has(group)) groupVersions = await load();
      return groupVersions.get(group) || undefined;
    },
    async apply(obj, o) {
      passThrough(String(obj.apiVersion), String(obj.kind));
      const rec: { status?: number } = {};
      const out = await callStatus.run(rec, () =>
        api.patch(obj as unknown as K8s.KubernetesObject, undefined, o.dryRun ? 'All' : undefined, o.fieldManager, o.force ?? false, k8s.PatchStrategy.ServerSideApply),
      );
      return { obj: out as unknown as JsonObject, created: rec.status === 201 };
    },
    async get(apiVersion, kind, name, namespace) {
      passThrough(apiVersion, kind);
      try {
        return (await api.read(header(apiVersion, kind, name, namespace))) as unknown as JsonObject;
      } catch (e) {
        if (e instanceof k8s.ApiException && e.code === 404) return undefined;
        throw e;
      }
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      passThrough(apiVersion, kind);
      const items: JsonObject[] = [];
      let token: string | undefined;
      do {
        const page = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 500, token);
        for (const item of page.items) {
          // List items may omit apiVersion/kind; fill them in so ids are complete.
          items.push({ apiVersion, kind, ...(item as unknown as JsonObject) });
        }
        token = page.metadata?._continue ?? (page.metadata as { continue?: string } | undefined)?.continue;
      } while (token);
      return items;
    },
    async create(obj, fieldManager) {
      passThrough(String(obj.apiVersion), String(obj.kind));
      return (await api.create(obj as unknown as K8s.KubernetesObject, undefined, undefined, fieldManager)) as unknown as JsonObject;
    },
    async replace(obj, fieldManager) {
      passThrough(String(obj.apiVersion), String(obj.kind));
      return (await api.replace(obj as unknown as K8s.KubernetesObject, undefined, undefined, fieldManager)) as unknown as JsonObject;
    },
    async delete(apiVersion, kind, name, namespace, o = {}) {
      passThrough(apiVersion, kind);
      try {
        await api.delete(header(apiVersion, kind, name, namespace), undefined, o.dryRun ? 'All' : undefined, undefined, undefined, 'Background');
        return true;
      } catch (e) {
        if (e instanceof k8s.ApiException && e.code === 404) return false;
        throw e;
      }
    },
  };
  await opts.afterConnect?.(client);
  return client;
}
