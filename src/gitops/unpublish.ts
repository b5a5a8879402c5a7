// `kts unpublish`: remove a branch's folder from the deploy repository (the branch was deleted), one commit.
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

export async function unpublishFolder(folder: string, branch: string | undefined, git: GitOptions, controllers?: ControllerSettings): Promise<UnpublishReport> {
  const tx = await transact(git, async (view) => {
    const removed = [...(await view.listFolder(folder)).keys()].sort();
    if (removed.length === 0) return { edits: null, result: removed };
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
