import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { transformAnnotations } from './annotations.js';
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
metadata: {name: s, annotations: {keep: me}}
`;

test('annotations reach metadata and pod templates of workloads', () => {
  const rs = resources(deployment);
  transformAnnotations(rs, { annotations: { note: 'x' }, fieldSpecs: defaultTransformerConfig().commonAnnotations });
  const [d, s] = rs.map((r) => r.obj as any);
  equal(d.metadata.annotations, { note: 'x' });
  equal(d.spec.template.metadata.annotations, { note: 'x' });
  equal(s.metadata.annotations, { keep: 'me', note: 'x' });
  assert.is(d.spec.selector, undefined);
});

test('a CronJob gets annotations on its job and pod templates, created where missing', () => {
  const rs = resources('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {spec: {}}}}}');
  transformAnnotations(rs, { annotations: { a: '1' }, fieldSpecs: defaultTransformerConfig().commonAnnotations });
  const spec = rs[0]!.obj.spec as any;
  equal(spec.jobTemplate.metadata.annotations, { a: '1' });
  equal(spec.jobTemplate.spec.template.metadata.annotations, { a: '1' });
});

test.run();
