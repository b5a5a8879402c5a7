import * as fs from 'node:fs';
import type { PromiseFsClient } from 'isomorphic-git';

// isomorphic-git takes any file system with a promise API. Backing that API with node's
// synchronous calls makes a publish several times faster: it touches thousands of tiny object
// files, each async call is a thread-pool round trip, and a CLI has nothing else to do meanwhile.
const commands = ['readFile', 'writeFile', 'mkdir', 'rmdir', 'unlink', 'stat', 'lstat', 'readdir', 'readlink', 'symlink', 'chmod', 'rm'] as const;

type Sync = Record<string, (...args: unknown[]) => unknown>;

export const syncFs: PromiseFsClient = {
  promises: Object.fromEntries(
    commands.map((name) => [name, async (...args: unknown[]) => (fs as unknown as Sync)[`${name}Sync`](...args)]),
  ) as unknown as PromiseFsClient['promises'],
};
