import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../errors.js';
import { newResource, type JsonObject, type Resource } from '../kustomize/resource.js';
import { setIngressHosts } from './ingress.js';

const where = { file: 'kts.yaml', field: 'environments.ci.host' };
const ingress = (...hosts: string[]): Resource =>
  newResource({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'x' },
    spec: { rules: hosts.map((host) => ({ host, http: { paths: [] } })), tls: [{ hosts, secretName: 't' }] },
  });
const spec = (r: Resource) => r.obj.spec as JsonObject;

test('one template: every rule and TLS entry of a one-host Ingress gets the host; other kinds are untouched', () => {
  const svc = newResource({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { rules: [{ host: 'keep' }] } });
  const before = ingress('a.localhost', 'a.localhost');
  const [ing, other] = setIngressHosts([before, svc], 'h.example.com', where);
  assert.equal(spec(ing!).rules, [{ host: 'h.example.com', http: { paths: [] } }, { host: 'h.example.com', http: { paths: [] } }]);
  assert.equal(spec(ing!).tls, [{ hosts: ['h.example.com'], secretName: 't' }]);
  assert.is(other, svc);
  assert.equal(spec(before).rules, [{ host: 'a.localhost', http: { paths: [] } }, { host: 'a.localhost', http: { paths: [] } }], 'input not mutated');
});

test('one template over two different hosts fails instead of collapsing them into identical rules', () => {
  assert.throws(
    () => setIngressHosts([ingress('shop.localhost', 'api.shop.localhost')], 'x.example.com', where),
    (e: unknown) =>
      e instanceof KtsError &&
      e.file === 'kts.yaml' &&
      e.message ===
        "Ingress x/web spec.rules[1].host 'api.shop.localhost' and Ingress x/web spec.rules[0].host 'shop.localhost' would both become 'x.example.com': give each host its own template (environments.ci.host: {overlay host: template})",
  );
});

test('per-host templates: each overlay host becomes its own, in rules and TLS entries, across Ingresses', () => {
  const map = new Map([
    ['shop.localhost', 'b1.ci.example.test'],
    ['api.shop.localhost', 'api.b1.ci.example.test'],
  ]);
  const other = newResource({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'admin' }, spec: { rules: [{ host: 'shop.localhost' }, { http: {} }] } });
  const [ing, adm] = setIngressHosts([ingress('shop.localhost', 'api.shop.localhost'), other], map, where);
  assert.equal(spec(ing!).rules, [{ host: 'b1.ci.example.test', http: { paths: [] } }, { host: 'api.b1.ci.example.test', http: { paths: [] } }]);
  assert.equal(spec(ing!).tls, [{ hosts: ['b1.ci.example.test', 'api.b1.ci.example.test'], secretName: 't' }]);
  assert.equal(spec(adm!).rules, [{ host: 'b1.ci.example.test' }, { http: {} }], 'the same overlay host may appear twice; a host-less rule stays');
});

test('per-host templates: a host without a template, or two templates giving one host, fail naming the rule', () => {
  assert.throws(
    () => setIngressHosts([ingress('shop.localhost', 'admin.localhost')], new Map([['shop.localhost', 'a.test']]), where),
    /Ingress x\/web spec.rules\[1\].host 'admin.localhost' has no template in environments.ci.host \(templates for: shop.localhost\)/,
  );
  assert.throws(
    () => setIngressHosts([ingress('a.localhost', 'b.localhost')], new Map([['a.localhost', 'same.test'], ['b.localhost', 'same.test']]), where),
    /would both become 'same.test'/,
  );
});

test.run();
