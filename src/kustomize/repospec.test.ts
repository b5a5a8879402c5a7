import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloneUrl, isRemoteFile, parseRepoSpec } from './repospec.js';

// Cases from kustomize's api/internal/git/repospec_test.go (v5.5.0): [input, clone URL, kust root, ref].
const good: [string, string, string, string][] = [
  ['https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=testbranch', 'https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo', 'somedir', 'testbranch'],
  ['https://fabrikops2.visualstudio.com/someorg/somerepo?ref=master', 'https://fabrikops2.visualstudio.com/someorg/somerepo', '', 'master'],
  ['http://github.com/someorg/somerepo/somedir', 'https://github.com/someorg/somerepo', 'somedir', ''],
  ['git@github.com:someorg/somerepo/somedir', 'git@github.com:someorg/somerepo', 'somedir', ''],
  ['http://github.com/someorg/somerepo.git/somedir', 'https://github.com/someorg/somerepo.git', 'somedir', ''],
  ['git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git?ref=v0.1.0', 'git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git', '', 'v0.1.0'],
  ['git@bitbucket.org:company/project.git//path?ref=branch', 'git@bitbucket.org:company/project.git', 'path', 'branch'],
  ['ssh://git@bitbucket.org/company/project.git//path?ref=branch', 'ssh://git@bitbucket.org/company/project.git', 'path', 'branch'],
  ['https://itfs.mycompany.com/collection/project/_git/somerepos/somedir?version=v1.0.0', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'somedir', 'v1.0.0'],
  ['git::https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/collection/project/_git/somerepos', '', ''],
  ['git@github.com/someorg/somerepo/somepath', 'git@github.com:someorg/somerepo', 'somepath', ''],
  ['https://github.com/kubernetes-sigs/kustomize//examples/multibases/dev/?ref=v1.0.6', 'https://github.com/kubernetes-sigs/kustomize', 'examples/multibases/dev/', 'v1.0.6'],
  ['file:///a/b/c/someRepo?ref=someBranch', 'file:///a/b/c/someRepo', '', 'someBranch'],
  ['file://a/b/c/someRepo//somepath?ref=someBranch', 'file://a/b/c/someRepo', 'somepath', 'someBranch'],
  ['ssh://git@github.com/kubernetes-sigs/kustomize//examples/multibases/dev?ref=v1.0.6', 'git@github.com:kubernetes-sigs/kustomize', 'examples/multibases/dev', 'v1.0.6'],
  ['ssh://git.example.com:7999/someOrg/someRepo/README.md?ref=group/version', 'ssh://git.example.com:7999/someOrg/someRepo', 'README.md', 'group/version'],
  ['gitHub.com/kubernetes/website/foo/krusty.txt', 'https://github.com/kubernetes/website', 'foo/krusty.txt', ''],
  ['github.com:someOrg/someRepo', 'https://github.com/someOrg/someRepo', '', ''],
  ['org-12345@github.com/someOrg/someRepo?ref=v0.1.0', 'org-12345@github.com:someOrg/someRepo', '', 'v0.1.0'],
  ['http://127.0.0.1:8080/base.git//overlay?ref=v1&timeout=90s&submodules=false', 'http://127.0.0.1:8080/base.git', 'overlay', 'v1'],
];

test('remote references split into clone URL, kustomization root and ref as kustomize splits them', () => {
  for (const [input, clone, root, ref] of good) {
    const spec = parseRepoSpec(input);
    assert.ok(!('error' in spec), `${input}: ${'error' in spec ? spec.error : ''}`);
    if ('error' in spec) continue;
    assert.is(cloneUrl(spec), clone, input);
    assert.is(spec.kustRootPath, root, input);
    assert.is(spec.ref, ref, input);
  }
});

test('query options: ref wins over version; timeout in seconds or Go durations; submodules as Go booleans', () => {
  const spec = (s: string) => {
    const r = parseRepoSpec(s);
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  assert.is(spec('https://h.example/o/r?version=v2&ref=v3').ref, 'v3');
  assert.is(spec('https://h.example/o/r?timeout=61').timeoutMs, 61_000);
  assert.is(spec('https://h.example/o/r?timeout=1m30s').timeoutMs, 90_000);
  assert.is(spec('https://h.example/o/r?timeout=-5').timeoutMs, 27_000);
  assert.is(spec('https://h.example/o/r?submodules=F').submodules, false);
  assert.is(spec('https://h.example/o/r?submodules=nope').submodules, true);
  // Go's ParseQuery fails on a semicolon: every option falls back to its default.
  assert.is(spec('https://h.example/o/r?ref=v1;x').ref, '');
});

test('strings kustomize treats as local paths or rejects', () => {
  const bad: [string, string][] = [
    ['/tmp', 'uri looks like abs path'],
    ['../../tmp', 'failed to parse scheme'],
    ['src/github.com/org/repo/path', 'failed to parse scheme'],
    ['htxxxtp://github.com/', 'failed to parse scheme'],
    ['ssh://git.example.com', 'failed to parse repo path segment'],
    ['git::___', 'failed to parse scheme'],
    ['https://host?ref=group/version/minor_version', 'failed to parse repo path segment'],
    ['https://github.com/org/repo.git//path/../../exits/repo', 'url path exits repo'],
    ['gh:org/repo', 'failed to parse scheme'],
    ['https://github.com/thisisa404.yaml', 'failed to parse repo path segment'],
    ['file:////tmp//path/to/whatever', 'failed to parse repo path segment'],
    ['git@ssh://github.com/org/repo.git//path', 'failed to parse repo path segment'],
  ];
  for (const [input, reason] of bad) {
    const spec = parseRepoSpec(input);
    assert.ok('error' in spec && spec.error.includes(reason), `${input}: ${JSON.stringify(spec)}`);
  }
  assert.ok(isRemoteFile('https://raw.example/x.yaml'));
  assert.ok(isRemoteFile('HTTP://raw.example/x.yaml'));
  assert.not.ok(isRemoteFile('ssh://git@x/y'));
  assert.not.ok(isRemoteFile('base/http.yaml'));
});

test.run();
