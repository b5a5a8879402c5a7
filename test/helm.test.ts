import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, kts } from './helpers/cli.js';
import { tree } from './helpers/tree.js';

// `kts build --enable-helm` against `kubectl kustomize --enable-helm`, both running a fake `helm`
// that records its arguments and environment and renders them, with the values files it was given,
// into a ConfigMap: equal outputs mean equal helm invocations and equal values.

const bin = mkdtempSync(join(tmpdir(), 'kts-fake-helm-'));
const log = join(bin, 'calls.log');
const FAKE_HELM = `#!/bin/sh
echo "$* HELM_CONFIG_HOME=$HELM_CONFIG_HOME" >> ${log}
case "$1" in
version) echo "\${FAKE_HELM_VERSION:-v3.14.0+g1234}"; exit 0;;
pull)
  # pull --untar --untardir DIR (--repo URL NAME | oci://.../NAME) [--version V]
  dir=$4; shift 4; name=$1; [ "$1" = --repo ] && name=$3; name=\${name##*/}
  mkdir -p "$dir/$name" && echo "pulled: true" > "$dir/$name/values.yaml"; exit 0;;
template)
  [ -n "$FAKE_HELM_BANNER" ] && echo "$FAKE_HELM_BANNER"
  [ -n "$FAKE_HELM_FAIL" ] && { echo "Error: $FAKE_HELM_FAIL" >&2; exit 1; }
  echo "---"
  echo "# Source: chart/templates/cm.yaml"
  echo "apiVersion: v1"; echo "kind: ConfigMap"; echo "metadata:"; echo "  name: rendered-$2"; echo "data:"
  printf '  args: "%s"\\n' "$(echo "$*" | sed 's#/[^ ]*/\\([^/ ]*-kustomize-values.yaml\\)#TMP/\\1#g')"
  n=0
  for a in "$@"; do
    case "$prev" in -f|--values) n=$((n+1)); echo "  values$n: |"; sed 's/^/    /' "$a"; echo;; esac
    prev=$a
  done;;
esac
`;
writeFileSync(join(bin, 'helm'), FAKE_HELM);
chmodSync(join(bin, 'helm'), 0o755);
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };

const CHART_VALUES = 'a:\n  b: 1\n  c: [1, 2]\n  d: {x: 1}\n  e: keep\nlist: [x, y]\ns: str\nnothing: null\nz: 0\n';

const app = tree({
  'charts/web/values.yaml': CHART_VALUES,
  'charts/web/Chart.yaml': 'name: web\n',
  'charts/db-1.2.0/db/values.yaml': 'size: 1\n',
  'home/other/values.yaml': 'o: 1\n',
  'extra.yaml': 'extra: true\n',
  'own-values.yaml': 'own: 1\n',
  'kustomization.yaml': `namespace: shop
commonLabels:
  team: a
helmCharts:
- name: web
  releaseName: front
  namespace: web-ns
  nameTemplate: tpl
  additionalValuesFiles: [extra.yaml]
  apiVersions: [a/v1, b/v2]
  kubeVersion: "1.29"
  includeCRDs: true
  skipTests: true
  skipHooks: true
  debug: true
  valuesInline:
    a: {c: [3], d: {}, e: "", f: new}
    list: []
    s: other
    nothing: 5
- name: web
  releaseName: merged
  valuesMerge: merge
  apiVersions: []
  valuesInline: {a: {e: inline, g: 1}, s: inline, nothing: 1, added: yes}
- name: web
  releaseName: replaced
  valuesMerge: replace
  valuesInline: {only: this}
- name: db
  version: 1.2.0
  repo: https://charts.example.com
  releaseName: versioned
- name: web
  version: 9.9.9
  valuesFile: own-values.yaml
generators:
- |-
  apiVersion: builtin
  kind: HelmChartInflationGenerator
  metadata:
    name: gen
  name: other
  releaseName: from-generators
  chartHome: home
`,
});

test('helm charts render as kubectl kustomize renders them: arguments, values merges, chart homes, flags', () => {
  const flags = ['--enable-helm', '--helm-api-versions', 'c/v3', '--helm-kube-version=1.30', '--helm-debug'];
  writeFileSync(log, '');
  const r = kts(['build', app, ...flags], { env });
  assert.is(r.code, 0, r.stderr);
  const calls = readFileSync(log, 'utf8').replace(/\/[^ ]*\/kts-helm-[^/ ]*/g, 'TMP');
  assert.match(calls, `version -c --short HELM_CONFIG_HOME=TMP/helm\n`);
  assert.match(calls, `template front ${app}/charts/web --namespace web-ns --name-template tpl -f TMP/web-kustomize-values.yaml -f ${app}/extra.yaml `);
  assert.match(calls, '--api-versions a/v1 --api-versions b/v2 --kube-version 1.29 --include-crds --skip-tests --no-hooks --debug HELM_CONFIG_HOME=TMP/helm\n');
  assert.match(calls, `template versioned ${app}/charts/db-1.2.0/db -f TMP/db-kustomize-values.yaml --api-versions a/v1 --kube-version 1.30 --debug HELM`);
  assert.match(calls, `template --generate-name ${app}/charts/web -f TMP/web-kustomize-values.yaml --api-versions a/v1 --kube-version 1.30 --debug HELM`);
  assert.match(calls, `template merged ${app}/charts/web -f TMP/web-kustomize-values.yaml --api-versions a/v1 --kube-version 1.30 --debug HELM`);
  assert.not.match(calls, 'pull');
  assert.match(r.stdout, 'name: rendered-from-generators\n  namespace: shop');
  assert.match(r.stdout, '  values1: |\n    a:\n      b: 1\n      c:\n      - 3\n      d:\n        x: 1\n      e: ""\n      f: new\n');
  if (!hasProgram('kubectl')) {
    console.log('  (kubectl not installed: kts output not compared with kubectl kustomize --enable-helm)');
    return;
  }
  const k = spawnSync('kubectl', ['kustomize', app, ...flags], { env, encoding: 'utf8' });
  assert.is(k.status, 0, k.stderr);
  assert.fixture(r.stdout, k.stdout);
});

test('--helm-command names the helm; a chart not under chartHome is pulled (repo or oci) into a versioned folder', () => {
  const dir = tree({
    'kustomization.yaml': 'helmCharts:\n- name: remote\n  repo: https://charts.example.com\n  version: 2.0.0\n  releaseName: r\n- name: oci\n  repo: oci://registry.example.com/charts\n  releaseName: o\n',
  });
  writeFileSync(log, '');
  const r = kts(['build', dir, '--enable-helm', `--helm-command=${join(bin, 'helm')}`], { env: process.env });
  assert.is(r.code, 0, r.stderr);
  const calls = readFileSync(log, 'utf8');
  assert.match(calls, `pull --untar --untardir ${dir}/charts/remote-2.0.0 --repo https://charts.example.com remote --version 2.0.0`);
  assert.match(calls, `pull --untar --untardir ${dir}/charts oci://registry.example.com/charts/oci HELM_CONFIG_HOME=`);
  assert.match(r.stdout, 'pulled: true');
  assert.match(r.stdout, `template r ${dir}/charts/remote-2.0.0/remote`);
});

test('helm problems are one line naming the chart entry; without --enable-helm nothing runs', () => {
  writeFileSync(log, '');
  const off = kts(['build', app], { env });
  assert.is(off.code, 1);
  assert.match(off.stderr, /kustomization\.yaml: helmCharts\[0\]: must specify --enable-helm/);
  assert.is(readFileSync(log, 'utf8'), '', 'helm never ran');
  const missing = kts(['build', app, '--enable-helm', '--helm-command', join(bin, 'no-such-helm')], { env });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /helmCharts\[0\]: unable to run '.*no-such-helm version -c --short': is '.*no-such-helm' installed\? \(--helm-command\)\n$/);
  const failing = kts(['build', app, '--enable-helm'], { env: { ...env, FAKE_HELM_FAIL: 'template: web/templates/x.yaml:3: bad' } });
  assert.is(failing.code, 1);
  assert.match(failing.stderr, /^kts: .*kustomization\.yaml: helmCharts\[0\]: 'helm template front .*' failed \(exit 1\): Error: template: web\/templates\/x\.yaml:3: bad\n$/);
  const v2 = kts(['build', app, '--enable-helm'], { env: { ...env, FAKE_HELM_VERSION: 'v2.17.0' } });
  assert.match(v2.stderr, /helm v3 is required, got v2\.17\.0/);
  const noChart = kts(['build', tree({ 'kustomization.yaml': 'helmCharts:\n- name: gone\n' }), '--enable-helm'], { env });
  const banner = kts(['build', app, '--enable-helm'], { env: { ...env, FAKE_HELM_BANNER: 'NOTES: hello' } });
  assert.match(banner.stderr, /^kts: helm template .*charts\/web: missing kind in object\n$/, 'text before the documents is an error, as in kustomize v5.5.0');
  assert.match(noChart.stderr, /helmCharts\[0\]: no repo specified for pull, no chart found at '.*charts\/gone'/);
});

test.run();
