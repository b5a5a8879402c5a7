// The library API: build a kustomization like `kustomize build`, and print it like it does.
export { build, buildKustomization, type BuildOptions } from './build/build.js';
export { serialize } from './build/output.js';
export type { Resource, ResId, Json, JsonObject } from './build/resource.js';
