// Field sets, managedFields ownership, merges and selectors of the test server, as pure functions.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../src/kustomize/resource.js';
import { fieldSetOf, fromFieldsV1, pathString, toFieldsV1 } from './fieldset.js';
import { readManagers, recordUpdate, serverSideApply } from './managed.js';
import { strategicMergePatch, structuredMerge } from './merge.js';
import { matches, parseLabelSelector } from './selectors.js';
import { ApiError } from './status.js';

const deploy = (containers: JsonObject[], extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
  spec: { template: { spec: { containers } }, ...extra },
});

const apply = (live: JsonObject | undefined, applied: JsonObject, manager: string, force = false) =>
  serverSideApply({ live, applied, manager, force, apiVersion: 'apps/v1', now: '2026-01-01T00:00:00Z', fieldSet: { status: 'exclude' } });

const owners = (o: JsonObject) => Object.fromEntries(readManagers(o).map((m) => [m.manager, [...m.fields].map((k) => pathString(JSON.parse(k) as string[])).sort()]));

test('field sets: associative lists by key (with defaulted protocol), atomic lists, FieldsV1 round trip', () => {
  const obj = deploy([{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }], args: ['x', 'y'] }]);
  const set = fieldSetOf(obj, { status: 'exclude' });
  const v1 = toFieldsV1(set);
  assert.equal(v1, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"app"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
          },
        },
      },
    },
  });
  assert.equal([...fromFieldsV1(v1)].sort(), [...set].sort());
  assert.equal([...set].map((k) => pathString(JSON.parse(k) as string[])).filter((p) => p.endsWith('image')), ['.spec.template.spec.containers[name="app"].image']);
});

test('apply: a second manager changing a field conflicts; the same value is shared; force moves ownership', () => {
  const first = apply(undefined, deploy([{ name: 'app', image: 'a:1' }]), 'kts');
  let err: unknown;
  try {
    apply(first, deploy([{ name: 'app', image: 'a:2' }]), 'ops');
  } catch (e) {
    err = e;
  }
  assert.instance(err, ApiError);
  const e = err as ApiError;
  assert.is(e.code, 409);
  assert.is(e.message, 'Apply failed with 1 conflict: conflict with "kts": .spec.template.spec.containers[name="app"].image');

  const shared = apply(first, deploy([{ name: 'app', image: 'a:1' }]), 'ops');
  assert.ok(owners(shared).ops!.includes('.spec.template.spec.containers[name="app"].image'));
  assert.ok(owners(shared).kts!.includes('.spec.template.spec.containers[name="app"].image'));

  const forced = apply(first, deploy([{ name: 'app', image: 'a:2' }]), 'ops', true);
  assert.not.ok(owners(forced).kts!.includes('.spec.template.spec.containers[name="app"].image'));
  assert.ok(owners(forced).kts!.includes('.spec.template.spec.containers[name="app"].name'));
});

test('apply: fields a manager stops applying are removed unless another manager owns them', () => {
  const first = apply(undefined, deploy([{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }], { replicas: 2, paused: false }), 'kts');
  const withOther = apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, 'hpa');
  const next = apply(withOther, deploy([{ name: 'app', image: 'a:1' }]), 'kts');
  const spec = next.spec as JsonObject;
  assert.equal(((spec.template as JsonObject).spec as JsonObject).containers, [{ name: 'app', image: 'a:1' }], 'the dropped container is gone');
  assert.is(spec.paused, undefined, 'the dropped field is gone');
  assert.is(spec.replicas, 2, 'a field another manager owns stays');
});

test('update: the writer owns what it changed, others lose it; removed fields are owned by nobody', () => {
  const applied = apply(undefined, deploy([{ name: 'app', image: 'a:1' }], { replicas: 2 }), 'kts');
  const edited = structuredClone(applied);
  (edited.spec as JsonObject).replicas = 5;
  delete (edited.metadata as JsonObject).labels;
  const after = recordUpdate({ old: applied, updated: edited, manager: 'kubectl-edit', apiVersion: 'apps/v1', now: 'now', fieldSet: { status: 'exclude' } });
  const o = owners(after);
  assert.equal(o['kubectl-edit'], ['.spec.replicas']);
  assert.not.ok(o.kts!.includes('.spec.replicas'));
  assert.not.ok(o.kts!.includes('.metadata.labels.app'));
  const entry = readManagers(after).find((m) => m.manager === 'kubectl-edit')!;
  assert.is(entry.operation, 'Update');
});

test('merges: structured merge and strategic merge patch merge containers by name, $patch: delete removes one', () => {
  const live = deploy([{ name: 'a', image: '1' }, { name: 'b', image: '1' }]);
  const merged = structuredMerge(live, deploy([{ name: 'b', image: '2' }, { name: 'c', image: '1' }])) as JsonObject;
  const names = (o: JsonObject) => ((((o.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]).map((c) => `${c.name}:${c.image}`);
  assert.equal(names(merged), ['a:1', 'b:2', 'c:1']);
  const patched = strategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }, { name: 'b', image: '3' }] } } } }) as JsonObject;
  assert.equal(names(patched), ['b:3']);
  const replaced = strategicMergePatch(live, { metadata: { labels: { $patch: 'replace', only: 'this' } } }) as JsonObject;
  assert.equal((replaced.metadata as JsonObject).labels, { only: 'this' });
});

test('label selectors: every operator, and parse errors', () => {
  const sel = (s: string, labels: Record<string, string>) => matches(parseLabelSelector(s), labels);
  const l = { app: 'web', tier: 'front', 'example.com/v': '1' };
  assert.ok(sel('app=web', l));
  assert.ok(sel('app==web,tier=front', l));
  assert.not.ok(sel('app!=web', l));
  assert.ok(sel('app!=db', {}));
  assert.ok(sel('tier in (front, back)', l));
  assert.not.ok(sel('tier notin (front)', l));
  assert.ok(sel('example.com/v', l));
  assert.ok(sel('!missing', l));
  assert.not.ok(sel('!app', l));
  assert.ok(sel('example.com/v>0', l));
  assert.ok(sel('', l));
  assert.throws(() => parseLabelSelector('app in ('), /unable to parse requirement/);
  assert.throws(() => parseLabelSelector('a=b,,c=d'), /unable to parse requirement/);
});

test.run();
