import { cloneAsFloats } from '../kustomize/json.js';
import { formatId, type JsonObject, type ResId, type Resource } from '../kustomize/resource.js';
import { discoverScopes, FIELD_MANAGER, listMembers } from '../cluster/apply.js';
import { parentFor, readParent } from '../cluster/applyset.js';
import type { KubeClient } from '../cluster/client.js';
import { apiError, classifyError, describeConflict, fieldConflicts, type FieldConflict } from '../cluster/apierror.js';
import { mapLimit } from '../cluster/limit.js';
import { memberKey, planApply, planPrune, soleNamespace } from '../cluster/plan.js';
import { withoutServerFields } from './normalize.js';

/** Why `kts apply` would fail on an object: field-manager conflicts, or the server's refusal. */
export interface ApplyProblem {
  id: ResId;
  /** One line, e.g. `conflict: .spec.replicas is owned by field manager "kubectl" (subresource scale)`. */
  message: string;
  /** For conflicts: each field and who owns it. */
  conflicts?: FieldConflict[];
}

export interface ClusterSides {
  /** Live objects (server fields removed): the members of the set, and what the render would touch. */
  before: JsonObject[];
  /** What `kts apply` would make of them (server-side dry run), minus what `--prune` would delete. */
  after: JsonObject[];
  /** Objects `kts apply` would fail on; a conflicted object is still diffed as `--force-conflicts` would change it. */
  problems: ApplyProblem[];
}

/**
 * Both sides of `kts diff --against cluster`, computed like `kubectl diff --server-side`: each
 * rendered object is applied with a server-side dry run as `kts apply` would (same field manager,
 * no force unless asked), so defaults, other managers' fields and the server's refusals show;
 * set members that the next `kts apply --prune` would delete appear only on the live side.
 * Objects whose namespace or CRD only this apply would create cannot be dry-run: they show as sent.
 */
export async function clusterSides(client: KubeClient, app: string, env: string, resources: Resource[], opts: { namespace?: string; force?: boolean; concurrency?: number } = {}): Promise<ClusterSides> {
  const concurrency = opts.concurrency ?? 16;
  const parentNamespace = opts.namespace || soleNamespace(resources) || client.contextNamespace;
  const parent = parentFor(app, env, parentNamespace);
  const plan = planApply(resources, { parent, defaultNamespace: parentNamespace, scopes: await discoverScopes(client, resources, concurrency) });
  const liveParent = await client.get('v1', 'Secret', parent.name, parent.namespace).catch((e) => {
    throw apiError(e, `ApplySet parent Secret ${parent.namespace}/${parent.name}`, client.server);
  });
  const previous = liveParent ? readParent(liveParent, parent) : undefined;
  const groupKinds = [...new Set([...(previous?.groupKinds ?? []), ...plan.groupKinds])].sort();
  const namespaces = [...new Set([...(previous?.namespaces ?? []), ...plan.namespaces, parent.namespace])].sort();
  const members = await listMembers(client, plan, groupKinds, namespaces, concurrency);

  const planned = plan.stages.flatMap((s) => s.objects);
  const what = (id: ResId) => `dry-run apply of ${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
  const lives = await mapLimit(planned, concurrency, (p) =>
    client.get(String(p.obj.apiVersion), p.id.kind, p.id.name, p.id.namespace || undefined).catch((e) => {
      throw apiError(e, what(p.id), client.server);
    }),
  );
  // What this apply would create first, and so cannot exist yet for a dry run of what is in it.
  const newNamespaces = new Set(planned.filter((p, i) => !lives[i] && p.id.kind === 'Namespace' && !p.id.group).map((p) => p.id.name));
  const newKinds = new Set(
    planned
      .filter((p, i) => !lives[i] && p.id.kind === 'CustomResourceDefinition')
      .map((p) => {
        const spec = (p.obj.spec ?? {}) as { group?: string; names?: { kind?: string } };
        return `${spec.group}|${spec.names?.kind}`;
      }),
  );
  const problems: ApplyProblem[] = [];
  const dryRun = async (obj: JsonObject, force: boolean) => (await client.apply(obj, { fieldManager: FIELD_MANAGER, force, dryRun: true })).obj;
  const predicted = await mapLimit(planned, concurrency, async (p, i) => {
    // as sent: the client writes numbers as float64 (an integer beyond 2^53 loses its last digits)
    if (!lives[i] && (newNamespaces.has(p.id.namespace) || newKinds.has(`${p.id.group}|${p.id.kind}`))) return cloneAsFloats(p.obj);
    try {
      return await dryRun(p.obj, opts.force ?? false);
    } catch (e) {
      const conflicts = fieldConflicts(e);
      if (conflicts.length) {
        problems.push({ id: p.id, message: `conflict: ${conflicts.map(describeConflict).join('; ')} (kts apply --force-conflicts would take them over)`, conflicts });
        return await dryRun(p.obj, true).catch((e2) => Promise.reject(apiError(e2, what(p.id), client.server)));
      }
      // An answer from the server is about this object; no answer (unreachable) ends the diff.
      if (typeof (e as { code?: unknown }).code !== 'number') throw apiError(e, what(p.id), client.server);
      problems.push({ id: p.id, message: classifyError(e, client.server).detail });
      return undefined;
    }
  });
  const applied = new Set(planned.map((p) => memberKey(p.obj)));
  const doomed = new Set(planPrune(members, applied, parent).map((i) => `${i.id.group}|${i.id.kind}|${i.id.namespace}|${i.id.name}`));
  // An object the server refuses is left out of both sides: its problem says what would happen.
  return {
    before: [...lives.flatMap((l, i) => (l && predicted[i] !== undefined ? [withoutServerFields(l)] : [])), ...members.filter((m) => doomed.has(memberKey(m))).map(withoutServerFields)],
    after: predicted.flatMap((o) => (o !== undefined ? [withoutServerFields(o)] : [])),
    problems: problems.sort((a, b) => formatId(a.id).localeCompare(formatId(b.id))),
  };
}
