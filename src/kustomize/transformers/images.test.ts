import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { ResMap } from '../resmap.js';
import { isImageMatched, splitImage, transformImageTags, updateImage, type ImageTag } from './images.js';
import { resources } from './testing.js';

test('splitImage separates name, tag and digest, ignoring a registry port', () => {
  assert.equal(splitImage('nginx'), { name: 'nginx', tag: '', digest: '' });
  assert.equal(splitImage('nginx:1.7'), { name: 'nginx', tag: '1.7', digest: '' });
  assert.equal(splitImage('host:5000/a/b:v1'), { name: 'host:5000/a/b', tag: 'v1', digest: '' });
  assert.equal(splitImage('host:5000/a/b'), { name: 'host:5000/a/b', tag: '', digest: '' });
  assert.equal(splitImage('a@sha256:abc'), { name: 'a', tag: '', digest: 'sha256:abc' });
  assert.equal(splitImage('a:v1@sha256:abc'), { name: 'a', tag: 'v1', digest: 'sha256:abc' });
});

test('isImageMatched needs the whole name, with an optional tag or digest', () => {
  assert.ok(isImageMatched('nginx', 'nginx'));
  assert.ok(isImageMatched('nginx:1.7', 'nginx'));
  assert.ok(isImageMatched('nginx@sha256:abc', 'nginx'));
  assert.ok(isImageMatched('r.io/img:{GENERATED}', 'r.io/img'));
  assert.not.ok(isImageMatched('my-nginx:1', 'nginx'));
  assert.not.ok(isImageMatched('nginx-x', 'nginx'));
  assert.ok(isImageMatched('nginx:1.2@sha256:abc', 'nginx'), 'tag and digest together');
  assert.ok(isImageMatched('anything/at:all', '*'), 'a leading * matches every image, as in Go');
  assert.ok(isImageMatched('axb:1', 'a.b'), 'the name is a pattern');
  assert.throws(() => isImageMatched('x', 'a('), /invalid image name/);
});

test('updateImage: newName, newTag, digest (tag and digest replace both), tagSuffix', () => {
  assert.is(updateImage('nginx:1', { name: 'nginx', newTag: 'v2' }), 'nginx:v2');
  assert.is(updateImage('nginx@sha256:x', { name: 'nginx', newTag: 'v2' }), 'nginx:v2');
  assert.is(updateImage('nginx:1@sha256:x', { name: 'nginx', newTag: 'v2' }), 'nginx:v2');
  assert.is(updateImage('nginx:1', { name: 'nginx', digest: 'sha256:d' }), 'nginx@sha256:d');
  assert.is(updateImage('nginx:1', { name: 'nginx', newTag: 't', digest: 'sha256:d' }), 'nginx:t@sha256:d');
  assert.is(updateImage('nginx:1', { name: 'nginx', newName: 'r.io/ng' }), 'r.io/ng:1');
  assert.is(updateImage('nginx@sha256:x', { name: 'nginx', tagSuffix: '-rc' }), 'nginx:-rc', 'the suffix drops the digest');
  assert.is(updateImage('nginx:1', { name: 'nginx', tagSuffix: '-rc' }), 'nginx:1-rc');
  assert.is(updateImage('nginx:1', { name: 'nginx', newTag: '2', tagSuffix: '-rc' }), 'nginx:2', 'a new tag wins over the suffix');
  assert.is(updateImage('redis:1', { name: 'nginx', newTag: 'v2' }), undefined);
});

test('images in containers anywhere, and in configured paths; CRDs untouched; null lists become empty', () => {
  const rs = resources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      initContainers: [{name: i, image: "nginx:1"}]
      containers: [{name: c, image: nginx}, {name: r, image: redis}]
---
kind: Custom
metadata: {name: c}
spec:
  deep: {containers: [{image: nginx}]}
  imageRef: nginx:3
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: x}
spec: {containers: [{image: nginx}]}
---
kind: Pod
metadata: {name: p}
spec: {containers: null}
`);
  const fieldSpecs = [...defaultTransformerConfig().images, { path: 'spec/imageRef', kind: 'Custom' }];
  const rm = new ResMap(rs);
  transformImageTags(rm, [{ name: 'nginx', newName: 'r.io/nginx', newTag: 'v2' }, { name: 'r.io/nginx', tagSuffix: '-rc' }], fieldSpecs);
  const [d, c, crd, p] = rs.map((r) => r.obj as any);
  // Workload containers are reached twice, by the container walk and by the default field specs:
  // kustomize appends a tagSuffix twice there too (checked with kubectl kustomize).
  assert.equal(d.spec.template.spec.initContainers[0].image, 'r.io/nginx:v2-rc-rc');
  assert.equal(d.spec.template.spec.containers.map((x: any) => x.image), ['r.io/nginx:v2-rc-rc', 'redis']);
  assert.is(c.spec.deep.containers[0].image, 'r.io/nginx:v2-rc');
  assert.is(c.spec.imageRef, 'r.io/nginx:v2-rc');
  assert.is(crd.spec.containers[0].image, 'nginx');
  assert.equal(p.spec.containers, []);
});

test('tags in one pass give what one pass per tag gives (each tag: containers, then the field specs)', () => {
  const text = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: "a:1"}, {name: b, image: "b:1"}]
---
kind: Custom
metadata: {name: c}
spec: {imageRef: "a:1", list: [{image: "b:1"}, {image: 7}]}
`;
  const fieldSpecs = [...defaultTransformerConfig().images, { path: 'spec/imageRef', kind: 'Custom' }, { path: 'spec/list/image', kind: 'Custom' }];
  const tags: ImageTag[] = [
    { name: 'a', tagSuffix: '-x' },
    { name: 'b', newName: 'a' },
    { name: 'a', tagSuffix: '-y' },
  ];
  const batched = resources(text);
  transformImageTags(new ResMap(batched), tags, fieldSpecs);
  const oneByOne = resources(text);
  for (const tag of tags) transformImageTags(new ResMap(oneByOne), [tag], fieldSpecs);
  assert.equal(
    batched.map((r) => r.obj),
    oneByOne.map((r) => r.obj),
  );
  const [d, c] = batched.map((r) => r.obj as any);
  assert.equal(d.spec.template.spec.containers.map((x: any) => x.image), ['a:1-x-x-y-y', 'a:1-y-y']);
  assert.equal([c.spec.imageRef, c.spec.list[0].image, c.spec.list[1].image], ['a:1-x-y', 'a:1-y', 7]);
});

test('an error names the entry it came from', () => {
  const rs = resources(`
kind: Custom
metadata: {name: c}
spec: {containers: [{image: "a:1"}], imageRef: {not: scalar}}
`);
  const fieldSpecs = [{ path: 'spec/imageRef', kind: 'Custom' }];
  const blame = (e: unknown, i: number): unknown => new Error(`images[${i}]: ${(e as Error).message}`);
  assert.throws(() => transformImageTags(new ResMap(rs), [{ name: 'a', newTag: '2' }, { name: 'a(' }], fieldSpecs, blame), /images\[0\]: wrong node kind/);
  const ok = resources(`
kind: Custom
metadata: {name: c}
spec: {containers: [{image: "a:1"}]}
`);
  assert.throws(() => transformImageTags(new ResMap(ok), [{ name: 'a', newTag: '2' }, { name: 'a(' }], fieldSpecs, blame), /images\[1\]: invalid image name/);
});

test.run();
