// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for by default.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';
import type { ResourceType } from './resources.js';

/** Whether the Accept header asks for `as=<as>;g=meta.k8s.io;v=v1`. */
export function isApiRequest(accept: string, as: string): boolean {
  return accept.split(',').some((mt) => {
    const params = new Map(
      mt
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    return params.get('as') === as && params.get('g') === 'meta.k8s.io' && params.get('v') === 'v1';
  });
}

/** Like k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanAge(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

interface Column {
  name: string;
  type: string;
  cell: (o: JsonObject) => Json;
}

const num = (v: Json | undefined) => (typeof v === 'number' ? v : 0);
const obj = (v: Json | undefined) => (isObject(v) ? v : {});

const EXTRA: Record<string, Column[]> = {
  Namespace: [{ name: 'Status', type: 'string', cell: (o) => String(obj(o.status).phase ?? '') }],
  ConfigMap: [{ name: 'Data', type: 'integer', cell: (o) => Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length }],
  Secret: [
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys(obj(o.data)).length },
  ],
  Deployment: [
    { name: 'Ready', type: 'string', cell: (o) => `${num(obj(o.status).readyReplicas)}/${num(obj(o.spec).replicas)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(obj(o.status).updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => num(obj(o.status).availableReplicas) },
  ],
  ReplicaSet: [
    { name: 'Desired', type: 'integer', cell: (o) => num(obj(o.spec).replicas) },
    { name: 'Current', type: 'integer', cell: (o) => num(obj(o.status).replicas) },
    { name: 'Ready', type: 'integer', cell: (o) => num(obj(o.status).readyReplicas) },
  ],
  Pod: [
    { name: 'Ready', type: 'string', cell: (o) => `${containerStatuses(o).filter((c) => c.ready === true).length}/${(obj(o.spec).containers as Json[] | undefined)?.length ?? 0}` },
    { name: 'Status', type: 'string', cell: podStatusColumn },
    { name: 'Restarts', type: 'string', cell: (o) => String(containerStatuses(o).reduce((s, c) => s + num(c.restartCount), 0)) },
  ],
  Job: [
    { name: 'Status', type: 'string', cell: (o) => jobStatusColumn(o) },
    { name: 'Completions', type: 'string', cell: (o) => `${num(obj(o.status).succeeded)}/${num(obj(o.spec).completions) || 1}` },
  ],
};

function containerStatuses(o: JsonObject): JsonObject[] {
  const cs = obj(o.status).containerStatuses;
  return Array.isArray(cs) ? cs.filter(isObject) : [];
}

/** As kubectl's printer: a waiting or terminated container's reason wins over the phase. */
function podStatusColumn(o: JsonObject): string {
  let reason = String(obj(o.status).phase ?? 'Pending');
  for (const c of containerStatuses(o)) {
    const state = obj(c.state);
    if (isObject(state.waiting) && state.waiting.reason) reason = String(state.waiting.reason);
    else if (isObject(state.terminated) && state.terminated.reason) reason = String(state.terminated.reason);
  }
  return reason;
}

function jobStatusColumn(o: JsonObject): string {
  const conditions = Array.isArray(obj(o.status).conditions) ? (obj(o.status).conditions as Json[]).filter(isObject) : [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
  return 'Running';
}

export function table(t: ResourceType, items: JsonObject[], includeObject: string, resourceVersion: string): JsonObject {
  const columns: Column[] = [
    { name: 'Name', type: 'string', cell: (o) => String(obj(o.metadata).name ?? '') },
    ...(t.custom ? [] : (EXTRA[t.kind] ?? [])),
    { name: 'Age', type: 'string', cell: (o) => humanAge(obj(o.metadata).creationTimestamp as string | undefined) },
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.name === 'Name' ? 'name' : '', description: '', priority: 0 })),
    rows: items.map((o) => {
      const row: JsonObject = { cells: columns.map((c) => c.cell(o)) };
      if (includeObject === 'Object') row.object = o;
      else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
      return row;
    }),
  };
}
