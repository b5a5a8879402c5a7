import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../errors.js';
import { command } from './build.js';

test('-o into a directory that does not exist is a user error naming the path, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-cli-build-'));
  writeFileSync(join(dir, 'kustomization.yaml'), 'configMapGenerator:\n- name: c\n  literals: [a=b]\n');
  const out = join(dir, 'missing', 'sub', 'all.yaml');
  try {
    await command.run([dir, '-o', out]);
    assert.unreachable('the build wrote into a missing directory');
  } catch (e) {
    assert.instance(e, KtsError);
    assert.is((e as KtsError).file, out);
    assert.match((e as KtsError).message, /ENOENT/);
  }
});

test.run();
