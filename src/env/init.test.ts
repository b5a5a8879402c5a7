import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proposeConfig } from './init.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kts-init-unit-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const ingress = (hosts: string[]) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n${hosts.map((h) => `  - host: ${h}\n`).join('')}`;
const deploy = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ${image}\n`;

test('roles from overlay names, namespaces and hosts from the renders, images CI tags from the untagged ones', () => {
  const root = tree({
    'deploy/k8s/overlays/review/kustomization.yaml': 'namespace: rv\nresources: [ingress.yaml, deploy.yaml]\n',
    'deploy/k8s/overlays/review/ingress.yaml': ingress(['a.example.com', 'api.a.example.com', 'b.other.com']),
    'deploy/k8s/overlays/review/deploy.yaml': deploy('team/app'),
    'deploy/k8s/overlays/prod/kustomization.yaml': 'resources: [deploy.yaml]\n',
    'deploy/k8s/overlays/prod/deploy.yaml': deploy('team/app@sha256:' + 'a'.repeat(64)),
    'deploy/k8s/overlays/staging/kustomization.yaml': 'namespace: stg\nresources: [deploy.yaml]\n',
    'deploy/k8s/overlays/staging/deploy.yaml': deploy('team/sidecar'),
    'deploy/k8s/overlays/notes/README.md': 'not an overlay',
  });
  const { config, notes } = proposeConfig({ root, registry: 'reg.example.com/' });
  assert.equal(config.images, [
    { name: 'team/app', newName: 'reg.example.com/team/app' },
    { name: 'team/sidecar', newName: 'reg.example.com/team/sidecar' },
  ]);
  assert.equal(config.environments, {
    branch: { overlay: 'deploy/k8s/overlays/review', namespacePrefix: 'rv', host: { 'a.example.com': '{slug}.{domain}', 'api.a.example.com': 'api.{slug}.{domain}', 'b.other.com': 'b-{slug}.{domain}' } },
    production: { overlay: 'deploy/k8s/overlays/prod' },
    staging: { overlay: 'deploy/k8s/overlays/staging', namespace: 'stg' },
  });
  assert.equal(Object.keys(config.environments as object), ['branch', 'production', 'staging']);
  assert.ok(notes.some((n) => n.startsWith('environments.production: the overlay sets no namespace')));
  assert.ok(notes.some((n) => n.startsWith("environments.staging: overlay 'staging' has no CI, preview or production name")));
  assert.ok(notes.some((n) => n === 'images left as pinned in the manifests: team/app@sha256:' + 'a'.repeat(64)));
  assert.ok(notes.some((n) => n.startsWith('domain: none')));
});

test.run();
