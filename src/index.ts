// The library API: build a kustomization like `kustomize build`, and print it like it does.
export { build, buildKustomization, type BuildOptions } from './kustomize/build.js';
export { serialize } from './kustomize/output.js';
export type { Resource, ResId, Json, JsonObject } from './kustomize/resource.js';
/** How many YAML texts were read, and how many fell back from the fast reader to the full parser (and why). */
export { readerStats } from './kustomize/yaml/parse.js';
