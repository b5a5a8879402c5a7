import type { JsonObject } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { METADATA_FILE } from '../gitops/metadata.js';
import { DeployRepo } from '../gitops/remote.js';
import type { RemoteOptions } from '../gitops/remote.js';

/** The manifests a deploy repository holds in `folder` at the head of its branch (none when absent). */
export async function publishedObjects(remote: RemoteOptions, folder: string): Promise<JsonObject[]> {
  const repo = await DeployRepo.open({ ...remote, createRef: true });
  try {
    const head = await repo.fetch();
    const files = await repo.listFolder(head, folder);
    const objects: JsonObject[] = [];
    for (const [name, oid] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      if (name === METADATA_FILE || !/\.ya?ml$/.test(name)) continue;
      for (const doc of parseYamlDocuments(await repo.readText(oid), `${folder}/${name}`)) {
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) objects.push(doc);
      }
    }
    return objects;
  } catch (e) {
    throw repo.explain(e);
  } finally {
    repo.close();
  }
}
