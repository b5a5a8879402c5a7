// `kts unpublish`: remove a branch's folder from the deploy repository (the branch was deleted), one
// commit; only a folder whose publish marker names this app, environment and branch.
import { KtsError } from '../errors.js';
import { foreignFolder, METADATA_FILE, parseMetadata } from './metadata.js';
import { controllerEdit, type ControllerSettings } from './controllers.js';
import { transact, type GitOptions } from './transaction.js';

export interface UnpublishReport {
  status: 'removed' | 'absent';
  folder: string;
  repository: string;
  ref: string;
  commit: string | null;
  parent: string | null;
  removed: string[];
  attempts: number;
}

export function unpublishMessage(folder: string, branch: string | undefined, removed: string[]): string {
  return `unpublish ${folder}: -${removed.length}${branch ? ` (branch ${branch})` : ''}\n`;
}

export async function unpublishFolder(folder: string, owner: { app?: string; environment: string; branch: string }, git: GitOptions, controllers?: ControllerSettings): Promise<UnpublishReport> {
  const { branch } = owner;
  const tx = await transact(git, async (view) => {
    const files = await view.listFolder(folder);
    const removed = [...files.keys()].sort();
    if (removed.length === 0) return { edits: null, result: removed };
    const marker = files.get(METADATA_FILE);
    const meta = parseMetadata(marker ? await view.readText(marker) : undefined);
    if (!meta) throw new KtsError('unpublish-foreign', `${folder} has no ${METADATA_FILE} marker of kts publish; refusing to remove it`);
    const foreign = foreignFolder(folder, meta, owner, true);
    if (foreign) throw new KtsError('unpublish-foreign', `${foreign}; refusing to remove it`);
    // the preview leaves the Argo CD / Flux objects in the same commit as its folder
    const ctl = controllers ? await controllerEdit(view, controllers, { url: git.remote.url, ref: git.remote.ref }, { removed: folder }) : null;
    return { edits: [{ path: folder, files: null }, ...(ctl ? [ctl] : [])], message: unpublishMessage(folder, branch, removed), result: removed };
  });
  return {
    status: tx.commit ? 'removed' : 'absent',
    folder,
    repository: tx.repository,
    ref: git.remote.ref,
    commit: tx.commit,
    parent: tx.parent,
    removed: tx.result,
    attempts: tx.attempts,
  };
}
