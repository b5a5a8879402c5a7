import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { idOf, type Resource } from './resource.js';
import { isClusterScoped } from './transformers/scope.js';
import { emitDocuments, emitDocumentsTo, emitYaml } from './yaml/emit.js';

// What `kts build` prints: the resources as kustomize prints them, documents separated by `---`.

/** The YAML stream `kts build` prints for `resources`. */
export function serialize(resources: Resource[]): string {
  return emitDocuments(resources.map((r) => r.obj));
}

/** serialize() as UTF-8 bytes handed to `write` piece by piece (each piece is reused once write returns). */
export function serializeTo(resources: Resource[], write: (bytes: Uint8Array) => void): void {
  emitDocumentsTo(
    resources.map((r) => r.obj),
    write,
  );
}

/** kustomize's file name for one resource in `-o DIR`: `[group_][version_]kind_name.yaml`, lower-cased (the name part even when empty). */
export function resourceFileName(r: Resource): string {
  const id = idOf(r.obj);
  return `${[id.group, id.version, id.kind].filter(Boolean).join('_')}_${id.name}.yaml`.toLowerCase();
}

/** A plan of the files `-o DIR` writes: one per resource, prefixed by namespace when there are several. */
export function filesForDirectory(resources: Resource[]): { name: string; content: string }[] {
  const byNs = new Map<string, Resource[]>();
  const cluster: Resource[] = [];
  for (const r of resources) {
    const id = idOf(r.obj);
    if (isClusterScoped(id.kind)) {
      cluster.push(r);
      continue;
    }
    const ns = id.namespace || 'default';
    const list = byNs.get(ns);
    if (list) list.push(r);
    else byNs.set(ns, [r]);
  }
  const files: { name: string; content: string }[] = [];
  for (const [ns, list] of byNs) {
    for (const r of list) {
      const name = byNs.size > 1 ? `${ns.toLowerCase()}_${resourceFileName(r)}` : resourceFileName(r);
      files.push({ name, content: emitYaml(r.obj) });
    }
  }
  for (const r of cluster) files.push({ name: resourceFileName(r), content: emitYaml(r.obj) });
  return files;
}

/** Writes one file per resource into `dir` (created when missing). */
export function writeDirectory(dir: string, resources: Resource[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of filesForDirectory(resources)) writeFileSync(join(dir, f.name), f.content);
}
