// `--from-repo` for apply and diff: the environment's folder as the deploy repository holds it
// (exactly the bytes publish or promote wrote) instead of a render of the checkout. The folder and
// namespace are found as publish finds them, from the environment and the build context.
import { newResource, type Resource } from '../kustomize/resource.js';
import { KtsError } from '../errors.js';
import { contextFlagsFrom } from '../env/flags.js';
import { resolveRender } from '../env/render.js';
import { ANNOTATION_BUILD, ANNOTATION_COMMIT } from '../env/plan.js';
import { folderForRender } from '../gitops/files.js';
import { gitSetup } from '../gitops/options.js';
import { readPublished } from '../gitops/published.js';

export interface FromRepo {
  envName: string;
  resources: Resource[];
  namespace?: string;
  /** The build's commit and build, as publish recorded them, for the ApplySet parent. */
  record: Record<string, string>;
  /** One line saying what is deployed: folder, deploy commit, build and source commit. */
  description: string;
}

export async function resourcesFromRepo(env: string, values: Record<string, unknown>): Promise<FromRepo> {
  const { flags, configFile } = contextFlagsFrom(values);
  // only the folder is placed from the context: the build and commit are the published ones
  const resolved = resolveRender({ env, flags: { strict: false, ...flags }, configFile });
  const folder = folderForRender(typeof values.path === 'string' ? values.path : undefined, { ...resolved, namespace: resolved.plan.namespace });
  const setup = gitSetup({ ...values, json: true });
  const published = await readPublished(setup.git.remote, folder);
  if (published.objects.length === 0) {
    throw new KtsError('from-repo', `nothing is published at ${folder} in ${published.repository} (${setup.git.remote.ref}): publish or promote it first`);
  }
  const meta = published.metadata;
  const build = meta?.promotedFrom ? meta.promotedFrom : meta;
  const origin = [build?.build ? `build ${build.build}` : '', meta?.promotedFrom?.commit ?? meta?.source.commit ? `commit ${(meta?.promotedFrom?.commit ?? meta?.source.commit)!.slice(0, 12)}` : '', meta?.promotedFrom ? `promoted from ${meta.promotedFrom.folder}` : '']
    .filter(Boolean)
    .join(', ');
  return {
    envName: resolved.envName,
    resources: published.objects.map(newResource),
    namespace: resolved.plan.namespace,
    record: Object.fromEntries(
      [
        [ANNOTATION_COMMIT, meta?.promotedFrom?.commit ?? meta?.source.commit],
        [ANNOTATION_BUILD, build?.build],
      ].filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    ),
    description: `${folder} at ${published.head!.slice(0, 12)} in ${published.repository}${origin ? ` (${origin})` : ''}`,
  };
}
