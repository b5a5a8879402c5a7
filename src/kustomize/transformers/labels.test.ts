import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { labelsEntryFieldSpecs, transformLabels } from './labels.js';
import { resources } from './testing.js';

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: i}]
---
apiVersion: v1
kind: Service
metadata: {name: s, labels: {keep: me}}
spec: {ports: [{port: 80}]}
`;

test('commonLabels reach metadata, selectors and pod templates, creating them', () => {
  const rs = resources(deployment);
  const tc = defaultTransformerConfig();
  transformLabels(rs, { labels: { app: 'web' }, fieldSpecs: tc.commonLabels });
  const [d, s] = rs.map((r) => r.obj as any);
  equal(d.metadata.labels, { app: 'web' });
  equal(d.spec.selector, { matchLabels: { app: 'web' } });
  equal(d.spec.template.metadata.labels, { app: 'web' });
  equal(s.metadata.labels, { keep: 'me', app: 'web' });
  equal(s.spec.selector, { app: 'web' });
  assert.is(s.spec.template, undefined, 'no template paths invented for a Service');
});

test('labels entries: metadata only, with templates, with selectors, plus custom fields', () => {
  const tc = defaultTransformerConfig();
  const run = (entry: Parameters<typeof labelsEntryFieldSpecs>[0]) => {
    const rs = resources(deployment);
    transformLabels(rs, { labels: entry.pairs, fieldSpecs: labelsEntryFieldSpecs(entry, tc) });
    return rs.map((r) => r.obj as any);
  };
  let [d, s] = run({ pairs: { a: 'b' } });
  equal(d.metadata.labels, { a: 'b' });
  assert.is(d.spec.selector, undefined);
  assert.is(d.spec.template.metadata, undefined);
  [d] = run({ pairs: { a: 'b' }, includeTemplates: true });
  equal(d.spec.template.metadata.labels, { a: 'b' });
  assert.is(d.spec.selector, undefined);
  [d, s] = run({ pairs: { a: 'b' }, includeSelectors: true });
  equal(d.spec.selector.matchLabels, { a: 'b' });
  equal(s.spec.selector, { a: 'b' });
  [d] = run({ pairs: { a: 'b' }, fields: [{ path: 'spec/extra/labels', kind: 'Deployment', create: true }] });
  equal(d.spec.extra, { labels: { a: 'b' } });
});

test('labels fields from configuration files apply to every labels entry', () => {
  const tc = { ...defaultTransformerConfig(), labels: [{ path: 'spec/selectors/labels', kind: 'Custom', create: true }] };
  const rs = resources('kind: Custom\nmetadata: {name: c}\nspec: {}');
  const entry = { pairs: { a: 'b' } };
  transformLabels(rs, { labels: entry.pairs, fieldSpecs: labelsEntryFieldSpecs(entry, tc) });
  equal(rs[0]!.obj.spec, { selectors: { labels: { a: 'b' } } });
});

test('a label field that is not a map is an error', () => {
  const rs = resources('kind: Service\nmetadata: {name: s}\nspec: {selector: oops}');
  assert.throws(() => transformLabels(rs, { labels: { a: 'b' }, fieldSpecs: [{ path: 'spec/selector', create: true }] }), /not a map/);
});

test('no labels: resources untouched', () => {
  const rs = resources(deployment);
  transformLabels(rs, { labels: {}, fieldSpecs: defaultTransformerConfig().commonLabels });
  assert.is((rs[0]!.obj.metadata as any).labels, undefined);
});

test.run();
