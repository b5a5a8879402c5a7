// The publish plan, as data: given what the deploy repository's folder holds now (file name → blob
// id) and what the render wants there (file name → content), which files are added, changed and
// removed, and the folder's complete new content. Nothing here touches git.
import { KtsError } from '../errors.js';
import { blobId } from './blob-id.js';
import { foreignFolder, formatMetadata, isNewerRender, METADATA_FILE, parseMetadata, type PublishMetadata } from './metadata.js';

/** A file of the new folder: kept as the blob the repository already has, or new content. */
export type FileSource = { oid: string } | { content: string };

export interface FolderChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export type PublishPlan =
  | ({ status: 'unchanged' } & FolderChange)
  | ({ status: 'superseded'; newer: PublishMetadata } & FolderChange)
  | ({ status: 'changed'; files: Map<string, FileSource> } & FolderChange);

export interface PublishPlanInput {
  /** The folder's files now (name relative to the folder → blob id); empty when it does not exist. */
  current: Map<string, string>;
  /** The metadata file's current text, when there is one. */
  currentMetadata?: string;
  /** The rendered files (name → content), without the metadata file. */
  desired: Map<string, string>;
  metadata: PublishMetadata;
  /** Replace a newer render too (a rollback by re-publishing an older build). */
  allowOlder?: boolean;
  /** The folder, for errors. */
  folder?: string;
  /** Whether the folder belongs to one branch (its path has <branch-slug>): another branch's is refused. */
  perBranch?: boolean;
}

export function planPublish(input: PublishPlanInput): PublishPlan {
  const { current, desired } = input;
  const existing = parseMetadata(input.currentMetadata);
  const foreign = existing && foreignFolder(input.folder ?? 'the folder', existing, input.metadata, input.perBranch ?? false);
  if (foreign) throw new KtsError('publish-foreign', `${foreign}; refusing to overwrite it`);
  const files = new Map<string, FileSource>();
  const change: FolderChange = { added: [], changed: [], removed: [] };
  for (const [name, content] of desired) {
    const oid = blobId(content);
    const before = current.get(name);
    if (before === undefined) change.added.push(name);
    else if (before !== oid) change.changed.push(name);
    files.set(name, before === oid ? { oid } : { content });
  }
  for (const name of current.keys()) {
    if (name !== METADATA_FILE && !desired.has(name)) change.removed.push(name);
  }
  for (const list of [change.added, change.changed, change.removed]) list.sort();
  if (change.added.length + change.changed.length + change.removed.length === 0) {
    return { status: 'unchanged', ...change };
  }
  // Never replace a newer render with an older one (a slow or re-run job landing late).
  if (existing && !input.allowOlder && isNewerRender(existing, input.metadata)) return { status: 'superseded', newer: existing, ...change };
  files.set(METADATA_FILE, { content: formatMetadata(input.metadata) });
  return { status: 'changed', files, ...change };
}

export function changeSummary(change: FolderChange): string {
  return `+${change.added.length} ~${change.changed.length} -${change.removed.length}`;
}

/** At most `max` lines naming the changed files, for a commit message body (never their content). */
export function changeListing(change: FolderChange, max = 50): string[] {
  const lines = [
    ...change.added.map((f) => `+ ${f}`),
    ...change.changed.map((f) => `~ ${f}`),
    ...change.removed.map((f) => `- ${f}`),
  ];
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines;
}
