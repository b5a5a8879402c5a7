#!/usr/bin/env node
// The `kts` executable. It runs a CLI bundle (cli.ts and its dependencies in one CommonJS file,
// built by scripts/bundle.ts) through V8's code cache, so a short build does not spend its time
// parsing and compiling JavaScript: dist/bin/kts-build.js for `kts build`, which is most of what
// users run (only what a build loads), dist/bin/kts.js for every other command. The caches are
// written by `npm run build`, never here: an install folder may be read-only, and V8 refuses a
// cache from another Node.js version or other V8 flags, in which case the bundle simply compiles
// as usual.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The bundle that runs the command in `argv` (process.argv), and its code cache. */
export function bundleFor(argv: string[]): { bundle: string; codeCache: string } {
  const bundle = join(__dirname, argv[2] === 'build' ? 'kts-build.js' : 'kts.js');
  return { bundle, codeCache: `${bundle}.cache` };
}

/** Runs the CLI on process.argv; returns the script and its cache's path so that the build can write the cache. */
export function run(): { script: Script; codeCache: string } {
  const { bundle, codeCache } = bundleFor(process.argv);
  // The file holds a function expression (no copy of the source to wrap it) and only ASCII:
  // latin1 makes the one-byte string V8 wants without decoding UTF-8.
  const source = readFileSync(bundle, 'latin1');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    // no cache: compile as usual
  }
  const script = new Script(source, { filename: bundle, cachedData });
  const mod = { exports: {} };
  // A vm.Script cannot import() by itself on Node.js 20, so the bundle's dynamic imports of
  // ES-module dependencies (git and cluster clients) go through this module's import().
  script.runInThisContext()(mod.exports, require, mod, bundle, __dirname, (specifier: string) => import(specifier));
  return { script, codeCache };
}

if (require.main === module) {
  // Once the event loop is empty the command is done and its output written: ending the process
  // here spares Node.js's teardown of the heap and its threads, which a CLI does not need.
  process.on('beforeExit', () => process.exit());
  run();
}
