import { structuredPatch } from 'diff';
import { formatId } from '../kustomize/resource.js';
import { emitYaml } from '../kustomize/yaml/emit.js';
import type { Change } from './changes.js';
import { maskSecrets } from './mask.js';

/** The unified diff (`---`/`+++` header and hunks) of one change's YAML, secrets masked. */
export function unifiedDiff(change: Change, context = 3): string {
  if (change.action === 'unchanged') return '';
  const [before, after] = maskSecrets(change.before, change.after);
  const name = formatId(change.id);
  const patch = structuredPatch(name, name, before ? emitYaml(before) : '', after ? emitYaml(after) : '', '', '', { context });
  const lines = [`--- ${before ? `a/${name}` : '/dev/null'}`, `+++ ${after ? `b/${name}` : '/dev/null'}`];
  for (const h of patch.hunks) {
    // An empty range starts at the line before it, as GNU diff and git write it.
    const range = (start: number, n: number): string => `${n === 0 ? start - 1 : start},${n}`;
    lines.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    for (const l of h.lines) if (!l.startsWith('\\')) lines.push(l);
  }
  return `${lines.join('\n')}\n`;
}
