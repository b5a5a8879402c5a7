// Differential tests against the reference: the same resources and patches go through
// `kubectl kustomize` (kustomize v5.5.0) and through applySmPatchToResource, and the results must
// be equal. Skipped where kubectl is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { hasProgram } from '../../../test/helpers/cli.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import type { Json, JsonObject } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { applySmPatchToResource } from './strategic.js';

const haveKubectl = hasProgram('kubectl');

function sorted(v: Json): Json {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k]!)]));
  return v;
}

/** Patches resource i with patch i in one kustomize run; returns each result by name, or null when deleted. */
function kustomize(bases: JsonObject[], patches: JsonObject[]): Map<string, Json> {
  const dir = mkdtempSync(join(tmpdir(), 'kts-merge-'));
  try {
    writeFileSync(join(dir, 'base.yaml'), bases.map((b) => stringify(b)).join('---\n'));
    patches.forEach((p, i) => writeFileSync(join(dir, `p${i}.yaml`), stringify(p)));
    writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n- base.yaml\npatches:\n${patches.map((_, i) => `- path: p${i}.yaml\n`).join('')}`);
    const ref = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    assert.is(ref.status, 0, ref.stderr);
    return new Map(parseYamlDocuments(ref.stdout, 'kubectl output').map((d) => [String(((d as JsonObject).metadata as JsonObject).name), sorted(d)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(bases: JsonObject[], patches: JsonObject[]): void {
  const theirs = kustomize(bases, patches);
  bases.forEach((base, i) => {
    const ours = applySmPatchToResource(base, patches[i]!);
    // kustomize drops an empty metadata.annotations map at output (build annotations removed).
    const meta = ours?.metadata as JsonObject | undefined;
    if (meta && JSON.stringify(meta.annotations) === '{}') delete meta.annotations;
    const name = String((base.metadata as JsonObject).name);
    assert.equal(ours === null ? null : sorted(ours), theirs.get(name) ?? null, `${name}: base ${JSON.stringify(base)} patch ${JSON.stringify(patches[i])}`);
  });
}

type FieldSpec = string | [string, string?, string?, string[]?];
const table = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'patch-meta.json'), 'utf8')) as {
  kinds: Record<string, Record<string, string>>;
  types: Record<string, Record<string, FieldSpec>>;
};

test('every list of the patch-meta table merges or is replaced as kubectl kustomize does it', () => {
  if (!haveKubectl) return console.log('  (skipped: kubectl not found)');
  const probes: { apiVersion: string; kind: string; path: string[]; key?: string }[] = [];
  const visit = (apiVersion: string, kind: string, def: string, path: string[]) => {
    for (const [field, spec] of Object.entries(table.types[def] ?? {})) {
      if (typeof spec === 'string') {
        visit(apiVersion, kind, spec, [...path, field]);
        continue;
      }
      const [element, strategy, mergeKey, mapKeys] = spec;
      probes.push({ apiVersion, kind, path: [...path, field], key: strategy ? (mapKeys?.[0] ?? mergeKey ?? '') : undefined });
      if (element) visit(apiVersion, kind, element, [...path, field, '[]']);
    }
  };
  for (const [apiVersion, kinds] of Object.entries(table.kinds)) for (const [kind, def] of Object.entries(kinds)) visit(apiVersion, kind, def, []);
  // Lists without a merge key, which kustomize replaces.
  for (const [apiVersion, kind, path] of [
    ['networking.k8s.io/v1', 'Ingress', 'spec.rules'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'rules'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'subjects'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'spec.ingress'],
    ['apps/v1', 'Deployment', 'spec.template.spec.tolerations'],
    ['apps/v1', 'Deployment', 'spec.template.spec.containers.[].envFrom'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'spec.metrics'],
    ['v1', 'Pod', 'spec.ephemeralContainers.[].ports'],
  ] as const) {
    probes.push({ apiVersion, kind, path: path.split('.') });
  }
  const make = (i: number, patch: boolean): JsonObject => {
    const { apiVersion, kind, path, key } = probes[i]!;
    const obj: JsonObject = { apiVersion, kind, metadata: { name: `p${i}` } };
    let cur: JsonObject = obj;
    path.slice(0, -1).forEach((step, j) => {
      if (step === '[]') return;
      const next: JsonObject = {};
      cur[step] = path[j + 1] === '[]' ? [{ name: 'e', ...next }] : next;
      cur = path[j + 1] === '[]' ? ((cur[step] as Json[])[0] as JsonObject) : next;
    });
    const k = key ?? 'name';
    cur[path[path.length - 1]!] = key === '' ? [patch ? 'b' : 'a'] : [patch ? { [k]: 'b' } : { [k]: 'a', x: 1 }];
    (obj.metadata as JsonObject).name = `p${i}`;
    return obj;
  };
  assert.ok(probes.length > 400, `${probes.length} probes`);
  compare(probes.map((_, i) => make(i, false)), probes.map((_, i) => make(i, true)));
});

// A small deterministic generator of pod templates and Services full of merge-key collisions,
// missing keys, duplicates, nulls and $patch directives.
function generator(seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const chance = (p: number) => rnd() < p;
  const times = <T>(max: number, f: () => T): T[] => Array.from({ length: Math.floor(rnd() * (max + 1)) }, f);
  const maybe = (p: number, o: () => JsonObject): JsonObject => (chance(p) ? o() : {});
  const directive = (patch: boolean, p: number, values = ['delete', 'replace', 'merge']): JsonObject => (patch ? maybe(p, () => ({ $patch: pick(values) })) : {});
  const env = (patch: boolean): Json[] => [
    ...(patch && chance(0.08) ? [{ $patch: pick(['replace', 'delete', 'merge']) }] : []),
    ...times(3, () => ({ ...maybe(0.95, () => ({ name: pick(['A', 'B', 'C']) })), ...maybe(0.7, () => ({ value: patch && chance(0.1) ? null : pick(['1', '2']) })), ...directive(patch, 0.15) })),
  ];
  const ports = (patch: boolean): Json[] =>
    times(3, () => ({ containerPort: pick([80, 81, 82]), ...maybe(0.4, () => ({ protocol: pick(['TCP', 'UDP']) })), ...maybe(0.5, () => ({ name: pick(['x', 'y']) })), ...directive(patch, 0.1, ['delete']) }));
  const container = (patch: boolean): JsonObject => ({
    ...maybe(0.96, () => ({ name: pick(['a', 'b', 'c', 'd']) })),
    ...maybe(0.5, () => ({ image: patch && chance(0.1) ? null : pick(['i1', 'i2']) })),
    ...maybe(0.3, () => ({ args: [pick(['p', 'q']), pick(['r', 's'])] })),
    ...maybe(0.4, () => ({ env: env(patch) })),
    ...maybe(0.4, () => ({ ports: ports(patch) })),
    ...maybe(0.3, () => ({ volumeMounts: [{ mountPath: pick(['/a', '/b']), name: pick(['v1', 'v2']) }] })),
    ...directive(patch, 0.1, ['delete', 'replace']),
  });
  const podSpec = (patch: boolean): JsonObject => ({
    ...maybe(0.8, () => ({ containers: times(3, () => container(patch)) })),
    ...maybe(0.3, () => ({ initContainers: times(2, () => container(patch)) })),
    ...maybe(0.3, () => ({ volumes: patch && chance(0.1) ? null : times(2, () => ({ name: pick(['v1', 'v2', 'v3']), ...(chance(0.5) ? { emptyDir: {} } : { configMap: { name: pick(['m1', 'm2']) } }) })) })),
    ...maybe(0.2, () => ({ tolerations: [{ key: pick(['k1', 'k2']), operator: 'Exists' }] })),
    ...maybe(0.2, () => ({ topologySpreadConstraints: times(2, () => ({ topologyKey: pick(['t1', 't2']), ...(chance(0.6) ? { whenUnsatisfiable: pick(['DoNotSchedule', 'ScheduleAnyway']) } : {}), maxSkew: pick([1, 2]) })) })),
    ...(!patch && chance(0.05) ? { nodeSelector: null } : {}),
  });
  const workload = (name: string, kind: string, patch: boolean): JsonObject => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, ...maybe(0.2, () => ({ finalizers: [pick(['f1', 'f2']), pick(['f2', 'f3'])] })) },
    spec: {
      template: { ...maybe(0.2, () => ({ metadata: { labels: { [pick(['a', 'b'])]: '1', ...directive(patch, 0.3) } } })), spec: podSpec(patch) },
      ...maybe(0.3, () => ({ replicas: pick([1, 2, null]) })),
      ...maybe(0.15, () => ({ embedded: { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: podSpec(patch) } } } })),
    },
  });
  const service = (name: string, patch: boolean): JsonObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      ports: times(3, () => ({ port: pick([80, 443, 53]), ...maybe(0.5, () => ({ protocol: pick(['TCP', 'UDP']) })), ...maybe(0.5, () => ({ name: pick(['a', 'b']) })), ...directive(patch, 0.1, ['delete']) })),
      ...maybe(0.3, () => ({ selector: { app: pick(['x', 'y']), ...directive(patch, 0.3, ['replace', 'delete']) } })),
    },
  });
  return (i: number): [JsonObject, JsonObject] => {
    const name = `r${i}`;
    if (chance(0.25)) return [service(name, false), service(name, true)];
    const kind = pick(['Deployment', 'Deployment', 'StatefulSet', 'MyKind']);
    return [workload(name, kind, false), workload(name, kind, true)];
  };
}

test('generated pod templates and Services with directives, nulls and key collisions merge as kubectl kustomize merges them', () => {
  if (!haveKubectl) return console.log('  (skipped: kubectl not found)');
  const next = generator(20261122);
  const pairs = Array.from({ length: 200 }, (_, i) => next(i));
  compare(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
});

test.run();
