import { describe, expect, it } from 'vitest';
import { defaultRunText, detectCi } from '../src/ci';

const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const STARTED_MS = Date.UTC(2026, 10, 28, 21, 53, 26);

// Each system's variables as its runners set them (values from the systems' documentation).
const builds: { name: string; env: Record<string, string>; expected: ReturnType<typeof detectCi> }[] = [
  {
    name: 'GitHub Actions on a push',
    env: {
      CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ID: '9876543210', GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop',
    },
    expected: { system: 'GitHub Actions', number: '42', branch: 'main', commit: SHA, url: 'https://github.com/acme/shop/actions/runs/9876543210' },
  },
  {
    name: 'GitHub Actions on a re-run pull request',
    env: {
      GITHUB_ACTIONS: 'true', GITHUB_RUN_NUMBER: '43', GITHUB_RUN_ID: '55', GITHUB_RUN_ATTEMPT: '2', GITHUB_REF_NAME: '7/merge',
      GITHUB_HEAD_REF: 'feature/login', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.example.com', GITHUB_REPOSITORY: 'acme/shop',
    },
    expected: {
      system: 'GitHub Actions', number: '43', branch: 'feature/login', commit: SHA,
      url: 'https://github.example.com/acme/shop/actions/runs/55/attempts/2',
    },
  },
  {
    name: 'GitLab CI in a merge request pipeline',
    env: {
      CI: 'true', GITLAB_CI: 'true', CI_PIPELINE_IID: '311', CI_PIPELINE_ID: '1200456', CI_COMMIT_REF_NAME: 'feature/cart',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/cart', CI_COMMIT_SHA: SHA, CI_PIPELINE_URL: 'https://gitlab.com/acme/shop/-/pipelines/1200456',
    },
    expected: { system: 'GitLab CI', number: '311', branch: 'feature/cart', commit: SHA, url: 'https://gitlab.com/acme/shop/-/pipelines/1200456' },
  },
  {
    name: 'CircleCI',
    env: { CIRCLECI: 'true', CIRCLE_BUILD_NUM: '88', CIRCLE_BRANCH: 'main', CIRCLE_SHA1: SHA, CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/shop/88' },
    expected: { system: 'CircleCI', number: '88', branch: 'main', commit: SHA, url: 'https://circleci.com/gh/acme/shop/88' },
  },
  {
    name: 'Buildkite',
    env: {
      BUILDKITE: 'true', BUILDKITE_BUILD_NUMBER: '1514', BUILDKITE_BRANCH: 'main', BUILDKITE_COMMIT: SHA,
      BUILDKITE_BUILD_URL: 'https://buildkite.com/acme/shop/builds/1514',
    },
    expected: { system: 'Buildkite', number: '1514', branch: 'main', commit: SHA, url: 'https://buildkite.com/acme/shop/builds/1514' },
  },
  {
    name: 'Azure Pipelines on a branch with a slash',
    env: {
      TF_BUILD: 'True', BUILD_BUILDNUMBER: '20261128.3', BUILD_BUILDID: '4711', BUILD_SOURCEBRANCH: 'refs/heads/feature/login',
      BUILD_SOURCEBRANCHNAME: 'login', BUILD_SOURCEVERSION: SHA, SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECT: 'Web Shop',
    },
    expected: {
      system: 'Azure Pipelines', number: '20261128.3', branch: 'feature/login', commit: SHA,
      url: 'https://dev.azure.com/acme/Web%20Shop/_build/results?buildId=4711',
    },
  },
  {
    name: 'Azure Pipelines on a pull request',
    env: {
      TF_BUILD: 'True', BUILD_BUILDNUMBER: '20261128.4', BUILD_BUILDID: '4712', BUILD_SOURCEBRANCH: 'refs/pull/9/merge',
      SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/fix', BUILD_SOURCEVERSION: SHA,
    },
    expected: { system: 'Azure Pipelines', number: '20261128.4', branch: 'fix', commit: SHA, url: undefined },
  },
  {
    name: 'Bitbucket Pipelines',
    env: {
      CI: 'true', BITBUCKET_BUILD_NUMBER: '27', BITBUCKET_BRANCH: 'main', BITBUCKET_COMMIT: SHA, BITBUCKET_REPO_FULL_NAME: 'acme/shop',
    },
    expected: { system: 'Bitbucket Pipelines', number: '27', branch: 'main', commit: SHA, url: 'https://bitbucket.org/acme/shop/pipelines/results/27' },
  },
  {
    name: 'Jenkins with the git plugin',
    env: {
      JENKINS_URL: 'https://ci.acme.test/', BUILD_NUMBER: '153', BUILD_URL: 'https://ci.acme.test/job/shop/153/',
      GIT_BRANCH: 'origin/main', GIT_COMMIT: SHA,
    },
    expected: { system: 'Jenkins', number: '153', branch: 'main', commit: SHA, url: 'https://ci.acme.test/job/shop/153/' },
  },
  {
    name: 'a Jenkins multibranch pull request',
    env: {
      JENKINS_URL: 'https://ci.acme.test/', BUILD_NUMBER: '2', BUILD_URL: 'https://ci.acme.test/job/shop/job/PR-12/2/',
      BRANCH_NAME: 'PR-12', CHANGE_BRANCH: 'feature/search', GIT_COMMIT: SHA,
    },
    expected: { system: 'Jenkins', number: '2', branch: 'feature/search', commit: SHA, url: 'https://ci.acme.test/job/shop/job/PR-12/2/' },
  },
  { name: 'a developer machine', env: { CI: 'true', HOME: '/home/dev' }, expected: undefined },
];

describe('detectCi', () => {
  it.each(builds)('reads $name', ({ env, expected }) => {
    expect(detectCi(env)).toEqual(expected);
  });
});

describe('defaultRunText', () => {
  it('names the CI build: number, branch and short commit in the title, the link and full commit below', () => {
    expect(defaultRunText(builds[0]!.env, STARTED_MS, 'playwright')).toEqual({
      title: `GitHub Actions #42 on main (1a2b3c4)`,
      description: [
        'playwright automated run in GitHub Actions #42',
        'Build: https://github.com/acme/shop/actions/runs/9876543210',
        'Branch: main',
        `Commit: ${SHA}`,
      ].join('\n'),
    });
  });

  it('leaves out what the CI system did not say', () => {
    expect(defaultRunText({ TF_BUILD: 'True', BUILD_BUILDNUMBER: '20261128.3' }, STARTED_MS)).toEqual({
      title: 'Azure Pipelines #20261128.3',
      description: 'Automated run in Azure Pipelines #20261128.3',
    });
  });

  it('titles a run outside CI with the time it started', () => {
    expect(defaultRunText({}, STARTED_MS, 'jest')).toEqual({
      title: 'Automated run 2026-11-28T21:53:26.000Z',
      description: 'jest automated run',
    });
  });
});
