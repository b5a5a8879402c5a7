#!/usr/bin/env node
// The `kts` executable. It runs the CLI bundle (dist/bin/kts.js: cli.ts and its dependencies in one
// CommonJS file, built by scripts/bundle.ts) through V8's code cache, so a short build does not
// spend its time parsing and compiling JavaScript. The cache is written by `npm run build`, never
// here: an install folder may be read-only, and V8 refuses a cache from another Node.js version or
// other V8 flags, in which case the bundle simply compiles as usual.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

export const bundle = join(__dirname, 'kts.js');
export const codeCache = `${bundle}.cache`;

/** Runs the CLI on process.argv; returns the script so that the build can write its code cache. */
export function run(): Script {
  const source = readFileSync(bundle, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    // no cache: compile as usual
  }
  // A vm.Script cannot import() by itself on Node.js 20, so the bundle's dynamic imports of
  // ES-module dependencies (git and cluster clients) go through this module's import().
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __import) {${source}\n})`, { filename: bundle, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, require, mod, bundle, __dirname, (specifier: string) => import(specifier));
  return script;
}

if (require.main === module) run();
