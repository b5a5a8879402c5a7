// What the deploy repository holds for one environment: the manifests of its folder at the head of
// the branch and the folder's publish metadata. `kts diff --against repo` compares a render with it;
// `kts apply --from-repo` and `kts diff --from-repo` deploy exactly these bytes.
import type { JsonObject } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { METADATA_FILE, parseMetadata, type PublishMetadata } from './metadata.js';
import { DeployRepo, type RemoteOptions } from './remote.js';

export interface Published {
  objects: JsonObject[];
  /** The folder's .kts-publish record, when it has one. */
  metadata?: PublishMetadata;
  /** The deploy repository's head the folder was read at (null: the branch does not exist yet). */
  head: string | null;
  repository: string;
}

/** The folder's manifests (in file-name order) and metadata; no objects when the folder does not exist. */
export async function readPublished(remote: RemoteOptions, folder: string): Promise<Published> {
  const repo = await DeployRepo.open({ ...remote, createRef: true });
  try {
    const head = await repo.fetch();
    const files = await repo.listFolder(head, folder);
    const objects: JsonObject[] = [];
    let metadata: PublishMetadata | undefined;
    for (const [name, oid] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      if (name === METADATA_FILE) metadata = parseMetadata(await repo.readText(oid));
      if (!/\.ya?ml$/.test(name)) continue;
      for (const doc of parseYamlDocuments(await repo.readText(oid), `${folder}/${name}`)) {
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) objects.push(doc);
      }
    }
    return { objects, metadata, head, repository: repo.displayUrl };
  } catch (e) {
    throw repo.explain(e);
  } finally {
    repo.close();
  }
}
