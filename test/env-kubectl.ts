// Test-only: kustomize itself (`kubectl kustomize`) as the reference for what the engine must do
// with a layered kustomization, and as the reference serializer for golden files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { newResource, type JsonObject, type Resource } from '../src/kustomize/resource.js';
import { parseYamlDocuments } from '../src/kustomize/yaml/parse.js';
import type { Builder } from '../src/env/render.js';

function kustomize(dir: string): string {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return r.stdout;
}

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kts-env-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds a layered kustomization with kubectl; paths are rewritten relative to a temp dir. */
export const kubectlBuilder: Builder = (kustomization, dir) =>
  withTemp((tmp) => {
    const k = { ...(kustomization as Record<string, unknown>) };
    for (const key of ['resources', 'components'] as const) {
      if (Array.isArray(k[key])) k[key] = (k[key] as string[]).map((p) => relative(tmp, resolve(dir, p)));
    }
    writeFileSync(join(tmp, 'kustomization.yaml'), JSON.stringify(k));
    return parseYamlDocuments(kustomize(tmp), 'kubectl output').map((o) => newResource(o as JsonObject));
  });

/** The objects exactly as `kustomize build` prints them (no transformation, same order). */
export function kubectlSerialize(resources: Resource[]): string {
  return withTemp((tmp) => {
    writeFileSync(join(tmp, 'all.yaml'), resources.map((r) => JSON.stringify(r.obj)).join('\n---\n'));
    writeFileSync(join(tmp, 'kustomization.yaml'), 'resources:\n- all.yaml\n');
    return kustomize(tmp);
  });
}
