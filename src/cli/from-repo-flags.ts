// The flags of `--from-repo` (apply, diff); the code that reads the deploy repository loads only when used.

export const fromRepoFlagsHelp = `  --from-repo          deploy the environment's folder as it stands in the deploy repository (what
                       publish or promote wrote there) instead of rendering the checkout; takes the
                       deploy repository flags of 'kts publish': --repo URL (or KTS_DEPLOY_REPO),
                       --ref BRANCH, --path TEMPLATE, --cache-dir DIR, --no-cache
`;

export const fromRepoFlagOptions = {
  'from-repo': { type: 'boolean' },
  repo: { type: 'string' },
  ref: { type: 'string' },
  path: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;
