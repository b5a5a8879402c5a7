import type { JsonObject, Resource } from '../kustomize/resource.js';
import { discoverScopes, FIELD_MANAGER, listMembers } from '../cluster/apply.js';
import { parentFor, readParent } from '../cluster/applyset.js';
import type { KubeClient } from '../cluster/client.js';
import { apiError } from '../cluster/apierror.js';
import { mapLimit } from '../cluster/limit.js';
import { memberKey, planApply, planPrune, soleNamespace } from '../cluster/plan.js';
import { withoutServerFields } from './normalize.js';

export interface ClusterSides {
  /** Live objects (server fields removed): the members of the set, and what the render would touch. */
  before: JsonObject[];
  /** What `kts apply` would make of them (server-side dry run), minus what `--prune` would delete. */
  after: JsonObject[];
}

/**
 * Both sides of `kts diff --against cluster`, computed like `kubectl diff`: each rendered object is
 * applied with a server-side dry run (so defaults and other managers' fields are accounted for) and
 * compared with the live object; set members that the next `kts apply --prune` would delete appear
 * only on the live side.
 */
export async function clusterSides(client: KubeClient, env: string, resources: Resource[], namespace?: string, concurrency = 16): Promise<ClusterSides> {
  const parentNamespace = namespace || soleNamespace(resources) || client.contextNamespace;
  const parent = parentFor(env, parentNamespace);
  const plan = planApply(resources, { parent, defaultNamespace: parentNamespace, scopes: await discoverScopes(client, resources, concurrency) });
  const liveParent = await client.get('v1', 'Secret', parent.name, parent.namespace).catch((e) => {
    throw apiError(e, `ApplySet parent Secret ${parent.namespace}/${parent.name}`, client.server);
  });
  const previous = liveParent ? readParent(liveParent, parent) : undefined;
  const groupKinds = [...new Set([...(previous?.groupKinds ?? []), ...plan.groupKinds])].sort();
  const namespaces = [...new Set([...(previous?.namespaces ?? []), ...plan.namespaces, parent.namespace])].sort();
  const members = await listMembers(client, plan, groupKinds, namespaces, concurrency);

  const planned = plan.stages.flatMap((s) => s.objects);
  const pairs = await mapLimit(planned, concurrency, async (p) => {
    try {
      const live = await client.get(String(p.obj.apiVersion), p.id.kind, p.id.name, p.id.namespace || undefined);
      // A dry run needs the namespace to exist; for one the apply would create, show the object as sent.
      const predicted = await client.apply(p.obj, { fieldManager: FIELD_MANAGER, force: true, dryRun: true }).then(
        (r) => r.obj,
        (e) => (live ? Promise.reject(e) : p.obj),
      );
      return { live, predicted };
    } catch (e) {
      throw apiError(e, `dry-run apply of ${p.id.kind} ${p.id.namespace ? `${p.id.namespace}/` : ''}${p.id.name}`, client.server);
    }
  });
  const applied = new Set(planned.map((p) => memberKey(p.obj)));
  const doomed = new Set(planPrune(members, applied, parent).map((i) => `${i.id.group}|${i.id.kind}|${i.id.namespace}|${i.id.name}`));
  return {
    before: [...pairs.flatMap((p) => (p.live ? [withoutServerFields(p.live)] : [])), ...members.filter((m) => doomed.has(memberKey(m))).map(withoutServerFields)],
    after: pairs.map((p) => withoutServerFields(p.predicted)),
  };
}
