import { KtsError } from '../errors.js';
import { goSort } from './gosort.js';
import type { SortOptions } from './kustomization.js';
import { idOf, type ResId, type Resource } from './resource.js';

// Output order (kustomize's SortOrderTransformer): `fifo` keeps the accumulation order; `legacy`
// puts kinds of orderFirst first and orderLast last, everything else by group/version/kind,
// then namespace and name. The core Namespace sorts before Namespace kinds of other groups, which
// makes the comparison intransitive, so Go's sort.Sort is replayed step for step.

export const DEFAULT_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];

export const DEFAULT_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function gvkKey(id: ResId): string {
  return [id.group || '~G', id.version || '~V', id.kind || '~K'].join('_');
}

function idSortKey(id: ResId): string {
  return [gvkKey(id), id.namespace || '~X', id.name || '~N'].join('|');
}

const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/;

/**
 * Go's bytewise string order (UTF-8 bytes): negative, zero or positive. UTF-16 code units sort the
 * same way below U+D800, so only strings with a surrogate or above are encoded (each comparison
 * of a sort, so the common case allocates nothing).
 */
export function compareBytes(a: string, b: string): number {
  if (SURROGATE_OR_ABOVE.test(a) || SURROGATE_OR_ABOVE.test(b)) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Validates sortOptions as kustomize's SortOrderTransformer.Config does. */
export function checkSortOptions(o: SortOptions, file?: string): void {
  const order = o.order;
  if (order !== 'legacy' && order !== 'fifo') {
    throw new KtsError('sort', "the field 'sortOptions.order' must be one of [fifo, legacy]", { file, field: 'sortOptions.order' });
  }
  if (order === 'fifo' && o.legacySortOptions) {
    throw new KtsError('sort', "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'", {
      file,
      field: 'sortOptions.legacySortOptions',
    });
  }
}

/** Sorts a resource list per `options` (a new list). */
export function sortResources(resources: Resource[], options: SortOptions, file?: string): Resource[] {
  checkSortOptions(options, file);
  if (options.order === 'fifo') return resources;
  // Given legacySortOptions replace the defaults whole: a list left out is empty.
  const legacy = options.legacySortOptions;
  const first = legacy ? (legacy.orderFirst ?? []) : DEFAULT_ORDER_FIRST;
  const last = legacy ? (legacy.orderLast ?? []) : DEFAULT_ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((k, i) => rank.set(k, -first.length + i));
  last.forEach((k, i) => rank.set(k, 1 + i));
  const keyed = resources.map((r) => {
    const id = idOf(r.obj);
    return { r, rank: rank.get(id.kind) ?? 0, gvk: gvkKey(id), kind: id.kind, group: id.group, id: idSortKey(id) };
  });
  goSort(keyed, (a, b) => {
    if (a.gvk === b.gvk) return compareBytes(a.id, b.id) < 0;
    if (a.rank !== b.rank) return a.rank < b.rank;
    const c = compareBytes(a.gvk, b.gvk);
    const namespaces = a.kind === 'Namespace' && b.kind === 'Namespace' && (!a.group || !b.group);
    return namespaces ? c > 0 : c < 0;
  });
  return keyed.map((k) => k.r);
}
