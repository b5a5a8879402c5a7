// The last good revision of an ApplySet, kept in the cluster so that `--atomic` can give it back:
// after an apply (and, with --wait, its rollout) succeeds, the objects exactly as applied are stored
// gzipped in a Secret beside the set's parent (`<parent>-revision`; a Secret because the objects may
// include Secrets). It is not a member of the set, so prune never touches it; it goes with the
// namespace. The cluster is the one place every deploy (a render, -f, --from-repo) passes through.
import { gunzipSync, gzipSync } from 'node:zlib';
import { bigintAsNumber } from '../kustomize/json.js';
import { newResource, type JsonObject, type Resource } from '../kustomize/resource.js';
import { ANNOTATION_BUILD, ANNOTATION_COMMIT, MANAGED_BY } from '../env/plan.js';
import { apiError } from './apierror.js';
import type { ApplySetParent } from './applyset.js';
import type { KubeClient } from './client.js';

const KEY = 'objects.json.gz';
/** A Secret holds at most 1 MiB; leave room for metadata. */
const MAX_BYTES = 900 * 1024;

export interface Revision {
  resources: Resource[];
  build?: string;
  commit?: string;
  appliedAt?: string;
}

export function revisionName(parent: ApplySetParent): string {
  return `${parent.name}-revision`;
}

function annotation(objects: JsonObject[], key: string): string | undefined {
  for (const o of objects) {
    const v = ((o.metadata ?? {}) as { annotations?: Record<string, unknown> }).annotations?.[key];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

/** The Secret recording `objects` as the set's last good revision, or undefined when it would not fit. */
/** `record`: the build's commit and build annotations, when the apply knows them (else the objects' own). */
export function revisionSecret(parent: ApplySetParent, objects: JsonObject[], now: Date, record: Record<string, string> = {}): JsonObject | undefined {
  const data = gzipSync(JSON.stringify(objects, bigintAsNumber));
  if (data.length > MAX_BYTES) return undefined;
  const build = record[ANNOTATION_BUILD] ?? annotation(objects, ANNOTATION_BUILD);
  const commit = record[ANNOTATION_COMMIT] ?? annotation(objects, ANNOTATION_COMMIT);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: revisionName(parent),
      namespace: parent.namespace,
      labels: { [MANAGED_BY]: 'kts' },
      annotations: {
        'kts.dev/applyset': parent.id,
        'kts.dev/applied-at': now.toISOString(),
        ...(build ? { [ANNOTATION_BUILD]: build } : {}),
        ...(commit ? { [ANNOTATION_COMMIT]: commit } : {}),
      },
    },
    type: 'Opaque',
    data: { [KEY]: data.toString('base64') },
  };
}

export function parseRevision(secret: JsonObject, parent: ApplySetParent): Revision | undefined {
  const meta = (secret.metadata ?? {}) as { annotations?: Record<string, string> };
  const ann = meta.annotations ?? {};
  const encoded = ((secret.data ?? {}) as Record<string, unknown>)[KEY];
  // Only a record of this very set counts (a hand-made Secret of that name is not one).
  if (ann['kts.dev/applyset'] !== parent.id || typeof encoded !== 'string') return undefined;
  try {
    const objects = JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as JsonObject[];
    if (!Array.isArray(objects)) return undefined;
    return { resources: objects.map(newResource), build: ann[ANNOTATION_BUILD], commit: ann[ANNOTATION_COMMIT], appliedAt: ann['kts.dev/applied-at'] };
  } catch {
    return undefined;
  }
}

export async function readRevision(client: KubeClient, parent: ApplySetParent): Promise<Revision | undefined> {
  try {
    const secret = await client.get('v1', 'Secret', revisionName(parent), parent.namespace);
    return secret ? parseRevision(secret, parent) : undefined;
  } catch (e) {
    throw apiError(e, `revision Secret ${parent.namespace}/${revisionName(parent)}`, client.server);
  }
}

/** Records `objects` as the set's last good revision; a warning (not a failure) when that is impossible. */
export async function recordRevision(client: KubeClient, parent: ApplySetParent, objects: JsonObject[], warn: (line: string) => void, record?: Record<string, string>): Promise<void> {
  const secret = revisionSecret(parent, objects, new Date(), record);
  if (!secret) {
    warn(`the applied objects are too large to keep as the revision --atomic would roll back to`);
    return;
  }
  try {
    await client.apply(secret, { fieldManager: 'kts', force: true });
  } catch (e) {
    warn(`could not record the applied revision for --atomic: ${apiError(e, `Secret ${parent.namespace}/${revisionName(parent)}`, client.server).message}`);
  }
}

/** `build 10, commit abc1234def56` or `the revision applied at …`. */
export function describeRevision(r: Revision): string {
  const parts = [r.build ? `build ${r.build}` : '', r.commit ? `commit ${r.commit.slice(0, 12)}` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : `the revision applied at ${r.appliedAt ?? 'an unknown time'}`;
}
