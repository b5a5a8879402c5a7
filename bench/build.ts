// `kts build` against `kubectl kustomize`, as paired runs: each run times both (alternating which
// goes first) on the same input, checks that they print the same bytes, and the ratio reported is
// the median of the per-pair ratios, so machine load that drifts during the benchmark cancels out.
// Every small case runs with NODE_EXTRA_CA_CERTS unset and set (Node.js reads that CA bundle
// before any JavaScript runs; CI machines often set it). `node -e 0` is the floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fastParseDocuments } from '../src/kustomize/yaml/fastparse.js';
import { guestbook, largeCrd, typicalOverlay } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'bin', 'cli.js');
const shared = join(here, '..', '..', '..', 'shared');

interface Options {
  quick: boolean;
  kubectl: boolean;
}

type Env = NodeJS.ProcessEnv;

function run(cmd: string, argv: string[], env: Env): { ms: number; out: Buffer } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr.toString().split('\n')[0]}`);
  return { ms, out: r.stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Paired {
  kts: number;
  kubectl?: number;
  ratio?: number;
}

/** `runs` paired runs of kts and kubectl on `dir`; fails when their outputs differ. */
function paired(dir: string, runs: number, env: Env, kubectl: boolean): Paired {
  const k: number[] = [];
  const c: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ours = () => run(process.execPath, [cli, 'build', dir], env);
    const theirs = () => run('kubectl', ['kustomize', dir], env);
    if (!kubectl) {
      k.push(ours().ms);
      continue;
    }
    let a: { ms: number; out: Buffer };
    let b: { ms: number; out: Buffer };
    if (i % 2 === 0) {
      a = ours();
      b = theirs();
    } else {
      b = theirs();
      a = ours();
    }
    if (!a.out.equals(b.out)) throw new Error(`bench: kts and kubectl print different output for ${dir}`);
    k.push(a.ms);
    c.push(b.ms);
    ratios.push(a.ms / b.ms);
  }
  return kubectl ? { kts: median(k), kubectl: median(c), ratio: median(ratios) } : { kts: median(k) };
}

/** YAML files of `dir` the fast reader hands to the full `yaml` parser (tabs, CRLF, BOM, …). */
function fallbacks(dir: string): { files: number; fallback: number } {
  let files = 0;
  let fallback = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) {
        files++;
        try {
          fastParseDocuments(readFileSync(p, 'utf8'));
        } catch {
          fallback++;
        }
      }
    }
  };
  walk(dir);
  return { files, fallback };
}

const ms = (v: number | undefined): string => (v === undefined ? '' : `${v.toFixed(0)} ms`);

function line(label: string, ca: string, p: Paired | undefined, note = ''): void {
  console.log(
    `${label.padEnd(58)} ${ca.padEnd(6)} ${ms(p?.kts).padStart(9)} ${ms(p?.kubectl).padStart(11)} ${(p?.ratio === undefined ? '' : `${p.ratio.toFixed(2)}x`).padStart(7)}  ${note}`,
  );
}

function caSettings(): { label: string; env: Env }[] {
  const unset = { ...process.env };
  delete unset.NODE_EXTRA_CA_CERTS;
  const bundle = process.env.NODE_EXTRA_CA_CERTS || ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find((f) => existsSync(f));
  return [{ label: 'unset', env: unset }, ...(bundle ? [{ label: 'set', env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle } }] : [])];
}

/** gen-tree from ../shared/perf (a synthetic tree using nearly every Kustomization field). */
function genTree(n: number, out: string): string | undefined {
  const gen = join(shared, 'perf', 'gen-tree');
  if (!existsSync(gen)) return undefined;
  const r = spawnSync(gen, ['--resources', String(n), '--out', out], { cwd: dirname(gen), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function benchBuild(opts: Options): void {
  const work = mkdtempSync(join(tmpdir(), 'kts-bench-'));
  const runs = opts.quick ? 7 : 21;
  try {
    console.log(`${'build (median of paired runs)'.padEnd(58)} ${'CA env'.padEnd(6)} ${'kts'.padStart(9)} ${'kubectl'.padStart(11)} ${'ratio'.padStart(7)}`);
    const crd = largeCrd(join(work, 'crd'), join(shared, 'crds', 'argocd-applicationset-crd.yaml'));
    const cases = [
      { label: 'guestbook-sized overlay (6 objects)', root: join(work, 'guestbook'), dir: guestbook(join(work, 'guestbook')), runs },
      { label: 'the same with trailing tabs', root: join(work, 'guestbook-tabs'), dir: guestbook(join(work, 'guestbook-tabs'), true), runs },
      { label: 'typical overlay: 7 objects, generators, 2 patches', root: join(work, 'typical'), dir: typicalOverlay(join(work, 'typical')), runs },
      { label: crd.label, root: crd.dir, dir: crd.dir, runs: opts.quick ? 3 : 7 },
    ];
    for (const { label, env } of caSettings()) {
      const floor: number[] = [];
      for (let i = 0; i < runs; i++) floor.push(run(process.execPath, ['-e', '0'], env).ms);
      line('node -e 0 (the floor: Node.js start-up)', label, { kts: median(floor) });
      for (const c of cases) line(c.label, label, paired(c.dir, c.runs, env, opts.kubectl));
    }
    for (const c of cases) {
      const f = fallbacks(c.root);
      console.log(`fast-reader fallbacks, ${c.label}: ${f.fallback} of ${f.files} YAML files`);
    }

    // Scaling: kts only (kubectl kustomize is quadratic: ~20 s at 1,000 resources of gen-tree).
    const sizes = opts.quick ? [1000, 10000] : [1000, 10000, 50000];
    const times = new Map<number, number>();
    for (const n of sizes) {
      const dir = genTree(n, join(work, `gen-${n}`));
      if (!dir) {
        console.log('(gen-tree scaling skipped: ../shared/perf/gen-tree not found)');
        break;
      }
      const t = paired(dir, n <= 1000 ? 3 : 1, caSettings()[0]!.env, false).kts;
      times.set(n, t);
      const base = times.get(1000);
      line(`gen-tree N=${n.toLocaleString('en-US')} (3 layers)`, 'unset', { kts: t }, n > 1000 && base ? `${(t / base).toFixed(1)}x N=1,000` : '');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
