// The library API: build a kustomization like `kustomize build`, and print it like it does.
export { build, buildKustomization, type BuildOptions } from './kustomize/build.js';
export { serialize } from './kustomize/output.js';
export type { Resource, ResId, Json, JsonObject } from './kustomize/resource.js';
