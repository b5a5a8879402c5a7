import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

/** The repository root, whether tests run from TypeScript sources or from dist/. */
export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** The shared conformance corpus beside the checkout, or undefined where it is absent. */
export const sharedDir = existsSync(join(repoRoot, '..', 'shared', 'conformance')) ? join(repoRoot, '..', 'shared') : undefined;
