import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resourcesFromYaml } from './manifests.js';

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

test.run();
