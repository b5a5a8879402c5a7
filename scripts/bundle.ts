// Build step (npm run build, after tsc): the shipped CLI. Measured on a guestbook-sized build
// (README, "Speed"), start-up is most of the time, so the CLI is
//   dist/bin/kts-build.js  `kts build`: cli.ts with only the build command and what it loads
//   dist/bin/kts.js        every command: cli.ts and every module it may load
//   dist/bin/yaml.js       the full `yaml` parser and printer, which both load only when needed
//                          (a document the fast reader leaves to it, kts init, the controllers)
// The two CLI bundles are CommonJS, one file each, with the small dependencies (fast-json-patch,
// diff) inlined: no module resolution at run time; modules loaded lazily in the source are still
// evaluated lazily. A process loads one of them (the launcher picks), so no module exists twice.
//   dist/bin/*.cache       V8's code cache of each CLI bundle, taken after a warm-up build so
//                          that it holds the functions a build compiles
//   dist/bin/cli.js        the executable (launcher.cts), which runs a bundle with its cache
// The git and cluster clients (large, ES modules) and ajv (only for an edited schema) stay in
// node_modules and load only when a command needs them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(dist, 'bin');
const EXTERNAL = ['@kubernetes/client-node', 'isomorphic-git', 'ajv'];

// The source loads rarely needed modules with `createRequire(import.meta.url)(name)` (synchronous
// and lazy in ES modules). As a plain `require(name)` esbuild inlines them, still evaluated lazily.
const inlineLazyRequires: Plugin = {
  name: 'inline-lazy-requires',
  setup(b) {
    b.onLoad({ filter: /\.js$/, namespace: 'file' }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'js' };
    });
  },
};

// `yaml` is its own file beside the bundles (the launcher's require resolves it there).
const yamlBeside: Plugin = {
  name: 'yaml-beside',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.js', external: true }));
  },
};

// The build bundle: cli.ts's other commands are left out (the launcher sends only `kts build` here).
const buildOnly: Plugin = {
  name: 'build-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/src\// }, (args) =>
      args.kind !== 'dynamic-import' || args.path === './src/cli/build.js' || args.importer !== join(dist, 'cli.js') ? undefined : { path: args.path, namespace: 'left-out' },
    );
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`kts-build.js runs only kts build, not ${args.path}`)});`,
      loader: 'js',
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** Bundles cli.ts into dist/bin/NAME as a function expression the launcher compiles with its cache. */
async function bundleCli(name: string, plugins: Plugin[]): Promise<void> {
  const file = join(out, name);
  const result = await build({
    entryPoints: [join(dist, 'cli.js')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL.flatMap((p) => [p, `${p}/*`]),
    define: { 'import.meta.url': '__kts_url' },
    banner: { js: 'const __kts_url = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [inlineLazyRequires, yamlBeside, ...plugins],
    metafile: true,
    logLevel: 'error',
  });
  // Route the bundle's dynamic imports of external modules through the launcher's import().
  let code = readFileSync(file, 'utf8').replace(/^#!.*\n/, '');
  const dynamic = new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external && x.kind === 'dynamic-import').map((x) => x.path)));
  for (const specifier of dynamic) {
    const call = `import(${JSON.stringify(specifier)})`;
    if (!code.includes(call)) throw new Error(`bundle: ${call} not found in the output`);
    code = code.replaceAll(call, `__import(${JSON.stringify(specifier)})`);
  }
  if (/\bimport\(/.test(code.replace(/__import\(/g, ''))) throw new Error('bundle: a dynamic import() is left that the launcher cannot serve');
  // A single non-ASCII character (a `µs` in a regex, a `→` in a comment) makes V8 decode the whole
  // file into a two-byte string; as \u escapes they mean the same in strings, regexes and comments.
  code = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // The module wrapper is written here so that the launcher compiles the file as it reads it.
  writeFileSync(file, `(function (exports, require, module, __filename, __dirname, __import) {${code}\n})`);
}

await bundleCli('kts-build.js', [buildOnly]);
await bundleCli('kts.js', []);
await build({ entryPoints: ['yaml'], outfile: join(out, 'yaml.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
// dist/bin holds CommonJS: no ES-module loader on the start-up path.
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
copyFileSync(join(dist, 'launcher.cjs'), join(out, 'cli.js'));

// The warm-up: a build that uses the common transformers, a generator and both patch kinds. Run
// without NODE_OPTIONS: V8 refuses a cache made under other flags.
const work = mkdtempSync(join(tmpdir(), 'kts-warm-'));
try {
  mkdirSync(join(work, 'base'));
  writeFileSync(
    join(work, 'base', 'app.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        envFrom:
        - configMapRef: {name: settings}
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80\t
    targetPort: 80
`,
  );
  writeFileSync(join(work, 'base', 'kustomization.yaml'), 'resources:\n- app.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - LOG_LEVEL=info\n');
  writeFileSync(
    join(work, 'kustomization.yaml'),
    `resources:
- base
namespace: warm
namePrefix: w-
labels:
- pairs: {env: warm}
  includeSelectors: true
commonAnnotations: {team: a}
images:
- name: nginx
  newTag: "1.27"
replicas:
- name: web
  count: 2
patches:
- target: {kind: Deployment}
  patch: |-
    - op: add
      path: /spec/template/metadata/annotations
      value: {warm: "yes"}
- patch: |-
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {type: ClusterIP}
`,
  );
  // Each bundle gets its cache from a run of its own: `build` for the build bundle, `render` of
  // the same kustomization (the engine, then the build context) for the other.
  const launcher = join(out, 'cli.js');
  for (const command of ['build', 'render']) {
    const warm = [
      `const l = require(${JSON.stringify(launcher)});`,
      `process.argv = [process.execPath, ${JSON.stringify(launcher)}, ${JSON.stringify(command)}, ${JSON.stringify(work)}];`,
      `const { script, codeCache } = l.run();`,
      `process.on('exit', (code) => { if (code === 0 && !process.exitCode) require('node:fs').writeFileSync(codeCache, script.createCachedData()); });`,
    ].join('\n');
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, ['-e', warm], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`bundle: the warm-up ${command} failed`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
