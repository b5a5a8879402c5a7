import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childProcess, os } from '../builtins.js';
import { KtsError } from '../errors.js';
import { displayPath, type Loader, type Referrer } from './loader.js';
import type { Json, JsonObject, Resource } from './resource.js';
import { parseResources } from './resources.js';
import { emitYaml } from './yaml/emit.js';
import { parseYamlDocuments } from './yaml/parse.js';

// kustomize's HelmChartInflationGenerator (v5.5.0), run only under --enable-helm: pull the chart
// when it is not under chartHome, write the values helm gets, run `helm template` with the
// arguments kustomize passes (measured with a recording `helm` against kubectl kustomize), and
// read its output as resources.

/** The build flags that let a build run helm (`--enable-helm` and the `--helm-*` flags). */
export interface HelmConfig {
  command: string;
  apiVersions?: string[];
  kubeVersion?: string;
  debug?: boolean;
}

/** One `helmCharts` entry (kustomize's types.HelmChart). */
export interface HelmChart {
  name?: string;
  version?: string;
  repo?: string;
  releaseName?: string;
  namespace?: string;
  nameTemplate?: string;
  additionalValuesFiles?: string[];
  valuesFile?: string;
  valuesInline?: Json;
  valuesMerge?: string;
  includeCRDs?: boolean;
  skipHooks?: boolean;
  skipTests?: boolean;
  apiVersions?: string[];
  kubeVersion?: string;
  debug?: boolean;
}

export interface HelmGlobals {
  chartHome?: string;
  configHome?: string;
}

const MERGES = ['merge', 'override', 'replace'];

function isMap(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * kyaml's merge of `patch` into `dest`, which kustomize uses for values: maps merge key by key, a
 * null in the patch removes the key, anything else (lists included) replaces.
 */
function mergeInto(dest: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = Object.assign(Object.create(null) as JsonObject, dest);
  for (const [k, v] of Object.entries(patch)) {
    const old = Object.hasOwn(out, k) ? out[k] : undefined;
    if (v === null) delete out[k];
    else if (isMap(v)) out[k] = mergeInto(isMap(old) ? old : {}, v);
    else out[k] = v;
  }
  return out;
}

/**
 * The values helm gets when a chart has `valuesInline` (measured against kubectl kustomize):
 * `override` merges the inline values into the chart's, `merge` the chart's into the inline ones
 * (so the chart wins), `replace` takes the inline values alone.
 */
export function mergeValues(chart: JsonObject, inline: JsonObject, mode: string): JsonObject {
  if (mode === 'replace') return inline;
  return mode === 'merge' ? mergeInto(inline, chart) : mergeInto(chart, inline);
}

function run(helm: HelmConfig, args: string[], configHome: string, ref: Referrer): string {
  const env = { ...process.env, HELM_CONFIG_HOME: configHome, HELM_CACHE_HOME: `${configHome}/.cache`, HELM_DATA_HOME: `${configHome}/.data` };
  const r = childProcess().spawnSync(helm.command, args, { env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const command = `'${[helm.command, ...args].join(' ')}'`;
  if (r.error) {
    const why = (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `is '${helm.command}' installed? (--helm-command)` : r.error.message;
    throw new KtsError('helm', `unable to run ${command}: ${why}`, ref);
  }
  if (r.status !== 0) {
    const said = r.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
    throw new KtsError('helm', `${command} failed (exit ${r.status ?? r.signal})${said ? `: ${said}` : ''}`, ref);
  }
  return r.stdout;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The resources `helm template` renders for one chart. */
export function inflateChart(chart: HelmChart, globals: HelmGlobals, ldr: Loader, helm: HelmConfig | undefined, ref: Referrer): Resource[] {
  // kustomize runs no program unless asked, and neither do we
  if (!helm) throw new KtsError('refused', 'must specify --enable-helm to render helm charts (kts runs helm only with that flag, as kustomize does)', ref);
  const name = chart.name ?? '';
  if (!name) throw new KtsError('helm', 'chart name cannot be empty', ref);
  const mode = chart.valuesMerge || 'override';
  if (!MERGES.includes(mode)) throw new KtsError('helm', `valuesMerge must be one of [${MERGES.join(' ')}], got '${mode}'`, ref);
  const home = ldr.abs(globals.chartHome || 'charts');
  // kustomize keeps a chart in a folder named for its version only when it pulls it from a repo
  const versionDir = chart.version && chart.repo ? join(home, `${name}-${chart.version}`) : home;
  const chartDir = join(versionDir, name);
  const tmp = mkdtempSync(join(os().tmpdir(), 'kts-helm-'));
  try {
    const configHome = globals.configHome || join(tmp, 'helm');
    const version = /v?\d+(\.\d+)+/.exec(run(helm, ['version', '-c', '--short'], configHome, ref))?.[0];
    if (!version) throw new KtsError('helm', `cannot find a version in the output of '${helm.command} version -c --short'`, ref);
    if (version.replace(/^v/, '').split('.')[0] !== '3') throw new KtsError('helm', `helm v3 is required, got ${version}`, ref);
    if (!isDir(chartDir)) {
      if (!chart.repo) throw new KtsError('helm', `no repo specified for pull, no chart found at '${displayPath(chartDir)}'`, ref);
      const source = chart.repo.startsWith('oci://') ? [`${chart.repo.replace(/\/+$/, '')}/${name}`] : ['--repo', chart.repo, name];
      run(helm, ['pull', '--untar', '--untardir', versionDir, ...source, ...(chart.version ? ['--version', chart.version] : [])], configHome, ref);
    }
    const valuesPath = chart.valuesFile || join(chartDir, 'values.yaml');
    const valuesRef = { file: ref.file, field: `${ref.field}.valuesFile` };
    let values: string | Buffer = ldr.loadBytes(valuesPath, valuesRef);
    const inline = chart.valuesInline;
    if (isMap(inline) && Object.keys(inline).length > 0) {
      const [doc] = mode === 'replace' ? [] : parseYamlDocuments(values.toString('utf8'), displayPath(ldr.abs(valuesPath)));
      values = emitYaml(mergeValues(isMap(doc) ? doc : {}, inline, mode));
    }
    const valuesCopy = join(tmp, `${name}-kustomize-values.yaml`);
    writeFileSync(valuesCopy, values);
    const args = ['template', chart.releaseName || '--generate-name', chartDir];
    if (chart.namespace) args.push('--namespace', chart.namespace);
    if (chart.nameTemplate) args.push('--name-template', chart.nameTemplate);
    args.push('-f', valuesCopy);
    for (const f of chart.additionalValuesFiles ?? []) args.push('-f', ldr.abs(f));
    // kustomize decodes a chart's apiVersions into the --helm-api-versions slice itself: a chart that
    // lists some uses them and overwrites the flag's values, one per position, for the charts after it
    const own = chart.apiVersions?.length ? chart.apiVersions : undefined;
    const flags = helm.apiVersions ?? [];
    for (let i = 0; own && i < Math.min(own.length, flags.length); i++) flags[i] = own[i]!;
    const apiVersions = own ?? flags;
    args.push(...apiVersions.flatMap((v) => ['--api-versions', v]));
    const kubeVersion = chart.kubeVersion || helm.kubeVersion;
    if (kubeVersion) args.push('--kube-version', kubeVersion);
    if (chart.includeCRDs) args.push('--include-crds');
    if (chart.skipTests) args.push('--skip-tests');
    if (chart.skipHooks) args.push('--no-hooks');
    if (chart.debug || helm.debug) args.push('--debug');
    return parseResources(run(helm, args, configHome, ref), `helm template ${displayPath(chartDir)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
