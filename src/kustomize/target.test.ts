import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../errors.js';
import { build } from './build.js';
import type { JsonObject } from './resource.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kts-target-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const names = (dir: string) => build(dir).map((r) => `${r.obj.kind}/${(r.obj.metadata as JsonObject).name}`);

const resources = `apiVersion: v1
kind: Foo
metadata: {name: f}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`;

// Expected outputs below were produced by kubectl kustomize (kustomize v5.5.0) on the same trees.

test("a base's configurations narrow the defaults for the overlays above it too", () => {
  const root = tree({
    'base/kustomization.yaml': 'resources: [r.yaml]\nconfigurations: [c.yaml]\nnamePrefix: b-\n',
    'base/c.yaml': 'namePrefix:\n- path: metadata/name\n  kind: Foo\n',
    'base/r.yaml': resources,
    'ov/kustomization.yaml': 'resources: [../base]\nnamePrefix: o-\n',
  });
  assert.equal(names(join(root, 'ov')), ['ConfigMap/cm', 'Foo/o-b-f']);
});

test('only the first YAML document of a configuration file counts', () => {
  const root = tree({
    'kustomization.yaml': 'resources: [r.yaml]\nconfigurations: [c.yaml]\nnamePrefix: p-\n',
    'c.yaml': 'namePrefix:\n- path: metadata/name\n  kind: Foo\n---\nnamePrefix:\n- path: metadata/name\n  kind: ConfigMap\n',
    'r.yaml': resources,
  });
  assert.equal(names(root), ['ConfigMap/cm', 'Foo/p-f']);
});

test('a configuration spec overlapping a default with another create flag fails naming the kustomization', () => {
  const root = tree({
    'kustomization.yaml': 'resources: [r.yaml]\nconfigurations: [c.yaml]\n',
    'c.yaml': 'images:\n- path: spec/template/spec/containers[]/image\n  kind: Foo\n',
    'r.yaml': resources,
  });
  assert.throws(() => build(root), (e: unknown) => e instanceof Error && /merging config: failed to merge Images fieldSpec: conflicting fieldspecs/.test(e.message) && (e as { file?: string }).file !== undefined);
});

test('transformers run as kustomize loads them: every inline config first, then files; a repeated config id is an error', () => {
  const prefix = (name: string, p: string) => `apiVersion: builtin\nkind: PrefixTransformer\nmetadata:\n  name: ${name}\nprefix: ${p}\nfieldSpecs:\n- path: metadata/name\n`;
  const indent = (text: string) => text.replaceAll('\n', '\n  ').trimEnd();
  const files = { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', 'pa.yaml': prefix('pa', 'a-') };
  const ordered = tree({ ...files, 'kustomization.yaml': `resources: [cm.yaml]\ntransformers:\n- pa.yaml\n- |-\n  ${indent(prefix('pb', 'b-'))}\n` });
  assert.equal(names(ordered), ['ConfigMap/a-b-x']);
  const twice = tree({ ...files, 'kustomization.yaml': 'resources: [cm.yaml]\ntransformers:\n- pa.yaml\n- pa.yaml\n' });
  const line = (re: RegExp) => (e: unknown) => e instanceof KtsError && re.test(e.toLine());
  assert.throws(() => build(twice), line(/transformers\[1\]: may not add resource with an already registered id: PrefixTransformer\.builtin\.\[noGrp\]\/pa\.\[noNs\]/));
  const inlineTwice = tree({ ...files, 'kustomization.yaml': `resources: [cm.yaml]\ntransformers:\n- |-\n  ${indent(prefix('pa', 'b-'))}\n- pa.yaml\n` });
  assert.throws(() => build(inlineTwice), line(/transformers\[1\]: may not add resource with an already registered id/));
});

test.run();
