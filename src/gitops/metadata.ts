// The small record kept beside the published manifests: what was rendered, from where, when.
// The file has no .yaml/.json extension so that Argo CD and Flux, which apply every manifest-like
// file in a folder, leave it alone.

export const METADATA_FILE = '.kts-publish';

export interface PublishMetadata {
  /** kts.yaml `app`: two apps may share a deploy repository, never a folder. */
  app?: string;
  environment: string;
  branch?: string;
  /** The namespace the folder's objects go to (for the GitOps controller objects). */
  namespace?: string;
  source: { repository?: string; commit?: string };
  build?: string;
  renderedAt: string;
  tool: string;
  resources: number;
  /** Set by `kts promote`: the folder whose images this one now runs. */
  promotedFrom?: { folder: string; commit?: string; build?: string; at: string };
}

export function formatMetadata(meta: PublishMetadata): string {
  const ordered: PublishMetadata = {
    ...(meta.app ? { app: meta.app } : {}),
    environment: meta.environment,
    ...(meta.branch ? { branch: meta.branch } : {}),
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    source: {
      ...(meta.source.repository ? { repository: meta.source.repository } : {}),
      ...(meta.source.commit ? { commit: meta.source.commit } : {}),
    },
    ...(meta.build ? { build: meta.build } : {}),
    renderedAt: meta.renderedAt,
    tool: meta.tool,
    resources: meta.resources,
    ...(meta.promotedFrom ? { promotedFrom: meta.promotedFrom } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads a metadata file; undefined when it is missing or not ours (a hand-written file, an old format). */
export function parseMetadata(text: string | undefined): PublishMetadata | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<PublishMetadata>;
    return typeof v.renderedAt === 'string' && typeof v.environment === 'string' ? (v as PublishMetadata) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a folder whose metadata is `existing` is not ours to write or remove (another app, another
 * environment, or, for a per-branch folder, another branch whose slug collides with ours), or undefined.
 */
export function foreignFolder(folder: string, existing: PublishMetadata, ours: { app?: string; environment: string; branch?: string }, perBranch: boolean): string | undefined {
  if (existing.app && ours.app && existing.app !== ours.app) return `${folder} holds app '${existing.app}', not '${ours.app}'`;
  if (existing.environment !== ours.environment) return `${folder} holds environment '${existing.environment}', not '${ours.environment}'`;
  if (perBranch && existing.branch !== ours.branch) return `${folder} holds branch '${existing.branch ?? '(unrecorded)'}', not '${ours.branch}' (their slugs collide)`;
  return undefined;
}

/**
 * Whether `other` comes from a newer render than `ours`: by build number when both have a numeric
 * one (CI runners' clocks differ, build numbers do not), else by render time. Equal is not newer.
 */
export function isNewerRender(other: PublishMetadata, ours: PublishMetadata): boolean {
  const a = Number(other.build);
  const b = Number(ours.build);
  if (other.build && ours.build && Number.isFinite(a) && Number.isFinite(b) && a !== b) return a > b;
  const ta = Date.parse(other.renderedAt);
  const tb = Date.parse(ours.renderedAt);
  return Number.isFinite(ta) && Number.isFinite(tb) && ta > tb;
}
