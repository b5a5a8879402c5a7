import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram } from '../../../test/helpers/cli.js';
import { emitDocuments } from './emit.js';
import { parseYamlDocuments } from './parse.js';

// Block scalars as kustomize reads them: at the end of a file without a final line break, and
// folded ones with more-indented lines (go-yaml v3 writes them back with an extra line break).
// Each shape is the tail of its own file, so the end-of-file cases are real.
const SHAPES = [
  'a: |\n    line1\n    line2', 'a: >\n    line1\n    line2', 'a: |+\n    line1\n    line2', 'a: >+\n    x', 'a: |2\n    x',
  'a: |-\n    x', 'a: |+\n    x\n\n    ', 'a: |\n    x\n\n    ', 'a: |\n    x\n  # c', 'b:\n  - |\n    x',
  'a: >\n    x\n      more\n    z\n', 'a: >\n    x\n\n      more\n    z\n', 'a: >\n    x\n      more\n      more2\n    z\n    w\n',
  'a: >\n    x\n    \n      more\n', 'a: >\n    x\n    \t tab\n    z\n', 'a: >+\n    x\n      more\n\n', 'a: >+\n    x\n\n',
  'a: >2\n     more\n    z\n\n    y\n', 'a: >\n    x\n      more\n    z\n      more2\n    w\n', 'a: >-\n    x\n      more',
  'a: >\n    x \n      more\n', 'a: >\n    x\n      more \n    z\n', 'a: >\n\n    x\n      more\n',
];

test('block scalars at the end of a file and folded more-indented lines match kubectl kustomize', () => {
  if (!hasProgram('kubectl')) {
    console.log('  (skipped: kubectl not found)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kts-blocks-'));
  try {
    const files = SHAPES.map((shape, i) => {
      const name = `f${String(i).padStart(2, '0')}.yaml`;
      writeFileSync(join(dir, name), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x${String(i).padStart(2, '0')}\ndata:\n  ${shape}`);
      return name;
    });
    writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n${files.map((f) => `- ${f}\n`).join('')}`);
    const ref = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    assert.is(ref.status, 0, ref.stderr);
    const ours = SHAPES.map((shape, i) => parseYamlDocuments(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x${String(i).padStart(2, '0')}\ndata:\n  ${shape}`, 'f.yaml')[0]!);
    assert.fixture(emitDocuments(ours), ref.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
