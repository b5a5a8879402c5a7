import { KtsError } from '../errors.js';
import { newResource, type Json, type JsonObject, type Resource } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resources from already rendered YAML (e.g. `kts render` output); `kind: List` documents are flattened. */
export function resourcesFromYaml(text: string, file: string): Resource[] {
  const out: Resource[] = [];
  parseYamlDocuments(text, file).forEach((doc, i) => {
    if (!isObject(doc)) throw new KtsError('manifest', `document ${i + 1} is not a mapping`, { file });
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach((item, j) => {
        if (!isObject(item)) throw new KtsError('manifest', `document ${i + 1}: items[${j}] is not a mapping`, { file });
        out.push(newResource(item));
      });
    } else {
      out.push(newResource(doc));
    }
  });
  return out;
}
