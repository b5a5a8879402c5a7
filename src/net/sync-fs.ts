import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import type { PromiseFsClient } from 'isomorphic-git';

// isomorphic-git takes any file system with a promise API. Backing that API with node's
// synchronous calls makes a publish several times faster: it touches thousands of tiny object
// files, each async call is a thread-pool round trip, and a CLI has nothing else to do meanwhile.
// (Named imports: `import * as fs` would copy every property of node:fs, lazy getters included,
// when the bundled CLI loads this module on the way to a build.)
const commands: Record<string, (...args: never[]) => unknown> = {
  readFile: readFileSync,
  writeFile: writeFileSync,
  mkdir: mkdirSync,
  rmdir: rmdirSync,
  unlink: unlinkSync,
  stat: statSync,
  lstat: lstatSync,
  readdir: readdirSync,
  readlink: readlinkSync,
  symlink: symlinkSync,
  chmod: chmodSync,
  rm: rmSync,
};

export const syncFs: PromiseFsClient = {
  promises: Object.fromEntries(
    Object.entries(commands).map(([name, call]) => [name, async (...args: unknown[]) => (call as (...a: unknown[]) => unknown)(...args)]),
  ) as unknown as PromiseFsClient['promises'],
};
