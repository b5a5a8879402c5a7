import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifests, resourcesFromYaml } from './manifests.js';

test('rendered YAML becomes resources; List documents are flattened', () => {
  const text = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: t\n',
    '',
  ].join('---\n');
  assert.equal(
    resourcesFromYaml(text, 'out.yaml').map((r) => `${r.obj.kind}/${(r.obj.metadata as { name: string }).name}`),
    ['ConfigMap/a', 'Service/s', 'Secret/t'],
  );
});

test('a document that is not a mapping is an error naming the file', () => {
  assert.throws(() => resourcesFromYaml('- a\n- b\n', 'bad.yaml'), (e: Error & { file?: string }) => e.file === 'bad.yaml' && /document 1 is not a mapping/.test(e.message));
});

test('-f DIR reads the .yaml/.yml/.json files of a folder in name order (a published folder), not recursively', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-manifests-'));
  try {
    writeFileSync(join(dir, 'service-web.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
    writeFileSync(join(dir, 'configmap-a.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    writeFileSync(join(dir, 'b.json'), '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}');
    writeFileSync(join(dir, '.kts-publish'), '{"environment": "x"}');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    assert.equal(readManifests(dir).map((r) => `${r.obj.kind}/${(r.obj.metadata as { name: string }).name}`), ['Secret/b', 'ConfigMap/a', 'Service/web']);
    assert.throws(() => readManifests(join(dir, 'sub', 'missing')), /cannot read: ENOENT/);
    mkdirSync(join(dir, 'empty'));
    assert.throws(() => readManifests(join(dir, 'empty')), (e: Error & { file?: string }) => e.file === join(dir, 'empty') && /holds no .yaml/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
