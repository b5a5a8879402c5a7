import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The resources of `-f PATH`: a file, '-' for stdin, or a directory whose .yaml/.yml/.json files are
 * read in name order (not recursively, as `kubectl apply -f DIR`).
 */
export function readManifests(path: string): Resource[] {
  if (path === '-') return resourcesFromYaml(readText(0, path), '<stdin>');
  let files = [path];
  try {
    if (statSync(path).isDirectory()) {
      files = readdirSync(path)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => join(path, f));
      if (files.length === 0) throw new KtsError('manifest', 'the directory holds no .yaml, .yml or .json files', { file: path });
    }
  } catch (e) {
    if (e instanceof KtsError) throw e;
    throw new KtsError('manifest', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return files.flatMap((f) => resourcesFromYaml(readText(f, f), f));
}

function readText(source: string | 0, file: string): string {
  try {
    return readFileSync(source, 'utf8');
  } catch (e) {
    throw new KtsError('manifest', `cannot read: ${(e as Error).message}`, { file });
  }
}
