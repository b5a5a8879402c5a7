import { createRequire } from 'node:module';

// Node.js built-in modules that a build seldom needs, loaded on first use: each costs milliseconds
// of a ~100 ms `kts build` to load (node:crypto with its 20 internal modules, node:worker_threads
// and node:child_process with streams and sockets). Written as `createRequire(import.meta.url)(…)`
// so that the CLI bundle (scripts/bundle.ts) turns them into plain lazy `require` calls.

export const crypto = (): typeof import('node:crypto') => createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
export const childProcess = (): typeof import('node:child_process') => createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
export const os = (): typeof import('node:os') => createRequire(import.meta.url)('node:os') as typeof import('node:os');
export const workerThreads = (): typeof import('node:worker_threads') => createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
