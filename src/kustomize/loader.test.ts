import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../errors.js';
import { isRemote, Loader } from './loader.js';

const root = mkdtempSync(join(tmpdir(), 'kts-ldr-'));
mkdirSync(join(root, 'app', 'base'), { recursive: true });
mkdirSync(join(root, 'other'));
writeFileSync(join(root, 'shared.yaml'), 'x: 1\n');
writeFileSync(join(root, 'app', 'in.yaml'), 'y: 2\n');
const ref = { file: 'app/kustomization.yaml', field: 'resources[0]' };

test('files below the root load; files outside need LoadRestrictionsNone', () => {
  const ldr = Loader.at(join(root, 'app'));
  assert.is(ldr.load('in.yaml'), 'y: 2\n');
  try {
    ldr.load('../shared.yaml', ref);
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof KtsError && e.code === 'load-restrictor' && e.field === 'resources[0]');
  }
  assert.is(Loader.at(join(root, 'app'), 'LoadRestrictionsNone').load('../shared.yaml'), 'x: 1\n');
});

test('a missing file names the kustomization that refers to it', () => {
  try {
    Loader.at(root).load('nope.yaml', ref);
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof KtsError && /nope\.yaml/.test(e.message) && /app\/kustomization\.yaml/.test(e.message));
  }
});

test('a directory at or above a root being built is a cycle', () => {
  const app = Loader.at(join(root, 'app'));
  const base = app.child('base', ref)!;
  assert.ok(base);
  assert.is(app.child('missing', ref), undefined);
  assert.throws(() => base.child('..', ref), (e: unknown) => e instanceof KtsError && e.code === 'cycle');
  assert.throws(() => base.child('.', ref), (e: unknown) => e instanceof KtsError && e.code === 'cycle');
  // Directories outside the root (sibling bases) are allowed, as in kustomize.
  assert.is(app.child('../other', ref)!.root, join(root, 'other'));
});

test('remote references are recognized and refused', () => {
  assert.ok(isRemote('https://github.com/org/repo//path?ref=v1'));
  assert.ok(isRemote('github.com/org/repo'));
  assert.ok(isRemote('git@github.com:org/repo.git'));
  assert.not.ok(isRemote('s3://bucket/kustomization'));
  assert.not.ok(isRemote('../base'));
  assert.throws(() => Loader.at(root).load('https://example.com/x', ref), (e: unknown) => e instanceof KtsError && e.code === 'remote');
  assert.throws(() => Loader.at(root).child('https://example.com/org/repo', ref), (e: unknown) => e instanceof KtsError && e.code === 'remote');
});

test.run();
