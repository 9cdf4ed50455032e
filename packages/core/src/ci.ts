import { isoTime } from './clock';

export type Env = Readonly<Record<string, string | undefined>>;

/** The CI build a process runs in, read from the variables its CI system sets. */
export interface CiBuild {
  /** `GitHub Actions`, `GitLab CI`, … */
  system: string;
  /** The build (pipeline, workflow run) number as the CI system shows it. */
  number: string | undefined;
  branch: string | undefined;
  commit: string | undefined;
  /** The page of the whole build (pipeline, workflow run), which every shard of it shares. */
  url: string | undefined;
}

interface CiSystem {
  system: string;
  detect(env: Env): boolean;
  read(env: Env): Omit<CiBuild, 'system'>;
}

/** A variable's value; CI templates often set a variable to an empty string for "no value". */
export function value(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

function firstOf(env: Env, ...names: string[]): string | undefined {
  return names.map((name) => value(env, name)).find((v) => v !== undefined);
}

function withoutPrefix(text: string | undefined, prefix: string): string | undefined {
  return text?.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** The URL made of these variables, or undefined when one of them is not set. */
function urlOf(env: Env, build: (v: Record<string, string>) => string, ...names: string[]): string | undefined {
  const values: Record<string, string> = {};
  for (const name of names) {
    const v = value(env, name);
    if (v === undefined) return undefined;
    values[name] = v;
  }
  return build(values);
}

// Each system's documented variables. The branch of a pull/merge request is its source branch: the ref the
// CI system builds for it (`123/merge`, `PR-12`) means nothing in a run title.
const SYSTEMS: readonly CiSystem[] = [
  {
    system: 'GitHub Actions',
    detect: (env) => env.GITHUB_ACTIONS === 'true',
    read: (env) => ({
      number: value(env, 'GITHUB_RUN_NUMBER'),
      branch: firstOf(env, 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME'),
      commit: value(env, 'GITHUB_SHA'),
      url: urlOf(env, (v) => {
        const attempt = Number(value(env, 'GITHUB_RUN_ATTEMPT') ?? 1);
        const run = `${v.GITHUB_SERVER_URL}/${v.GITHUB_REPOSITORY}/actions/runs/${v.GITHUB_RUN_ID}`;
        return attempt > 1 ? `${run}/attempts/${attempt}` : run;
      }, 'GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID'),
    }),
  },
  {
    system: 'GitLab CI',
    detect: (env) => env.GITLAB_CI === 'true',
    read: (env) => ({
      number: value(env, 'CI_PIPELINE_IID'),
      branch: firstOf(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_REF_NAME'),
      commit: value(env, 'CI_COMMIT_SHA'),
      url: value(env, 'CI_PIPELINE_URL'),
    }),
  },
  {
    system: 'CircleCI',
    detect: (env) => env.CIRCLECI === 'true',
    read: (env) => ({
      number: value(env, 'CIRCLE_BUILD_NUM'),
      branch: firstOf(env, 'CIRCLE_BRANCH', 'CIRCLE_TAG'),
      commit: value(env, 'CIRCLE_SHA1'),
      url: value(env, 'CIRCLE_BUILD_URL'),
    }),
  },
  {
    system: 'Buildkite',
    detect: (env) => env.BUILDKITE === 'true',
    read: (env) => ({
      number: value(env, 'BUILDKITE_BUILD_NUMBER'),
      branch: value(env, 'BUILDKITE_BRANCH'),
      commit: value(env, 'BUILDKITE_COMMIT'),
      url: value(env, 'BUILDKITE_BUILD_URL'),
    }),
  },
  {
    system: 'Azure Pipelines',
    // `True` on Azure's agents; compared without case as the docs do not promise the spelling.
    detect: (env) => env.TF_BUILD?.toLowerCase() === 'true',
    read: (env) => ({
      number: value(env, 'BUILD_BUILDNUMBER'),
      // BUILD_SOURCEBRANCHNAME keeps only the last segment (`feature/login` → `login`); the full ref does not.
      branch: withoutPrefix(firstOf(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH', 'BUILD_SOURCEBRANCH'), 'refs/heads/'),
      commit: value(env, 'BUILD_SOURCEVERSION'),
      url: urlOf(env, (v) => `${v.SYSTEM_COLLECTIONURI.replace(/\/*$/, '/')}${encodeURIComponent(v.SYSTEM_TEAMPROJECT)}` +
        `/_build/results?buildId=${v.BUILD_BUILDID}`, 'SYSTEM_COLLECTIONURI', 'SYSTEM_TEAMPROJECT', 'BUILD_BUILDID'),
    }),
  },
  {
    system: 'Bitbucket Pipelines',
    // Bitbucket sets no variable naming itself; the build number is always set.
    detect: (env) => value(env, 'BITBUCKET_BUILD_NUMBER') !== undefined,
    read: (env) => ({
      number: value(env, 'BITBUCKET_BUILD_NUMBER'),
      branch: firstOf(env, 'BITBUCKET_BRANCH', 'BITBUCKET_TAG'),
      commit: value(env, 'BITBUCKET_COMMIT'),
      url: urlOf(env, (v) => `https://bitbucket.org/${v.BITBUCKET_REPO_FULL_NAME}/pipelines/results/${v.BITBUCKET_BUILD_NUMBER}`,
        'BITBUCKET_REPO_FULL_NAME', 'BITBUCKET_BUILD_NUMBER'),
    }),
  },
  {
    // BUILD_NUMBER and GIT_COMMIT are names other tools set too; JENKINS_URL is Jenkins' own.
    system: 'Jenkins',
    detect: (env) => value(env, 'JENKINS_URL') !== undefined,
    read: (env) => ({
      number: value(env, 'BUILD_NUMBER'),
      // CHANGE_BRANCH: a pull request's source (BRANCH_NAME is then `PR-12`); GIT_BRANCH (git plugin) is `origin/main`.
      branch: withoutPrefix(firstOf(env, 'CHANGE_BRANCH', 'BRANCH_NAME', 'GIT_BRANCH'), 'origin/'),
      commit: value(env, 'GIT_COMMIT'),
      url: value(env, 'BUILD_URL'),
    }),
  },
];

/** The CI build this process runs in, or undefined outside the CI systems we know. */
export function detectCi(env: Env): CiBuild | undefined {
  const found = SYSTEMS.find((s) => s.detect(env));
  return found && { system: found.system, ...found.read(env) };
}

/**
 * The title and description of a run nobody named. In CI they name the build (number, branch, commit, link), so
 * the run can be found from the build and the build from the run; elsewhere the title is the time it started.
 */
export function defaultRunText(env: Env, startedAtMs: number, framework?: string): { title: string; description: string } {
  const what = framework ? `${framework} automated run` : 'Automated run';
  const ci = detectCi(env);
  if (!ci) return { title: `Automated run ${isoTime(startedAtMs)}`, description: what };
  const build = ci.number ? `${ci.system} #${ci.number}` : ci.system;
  const title = [build, ci.branch && `on ${ci.branch}`, ci.commit && `(${ci.commit.slice(0, 7)})`].filter(Boolean).join(' ');
  const description = [
    `${what} in ${build}`,
    ci.url && `Build: ${ci.url}`,
    ci.branch && `Branch: ${ci.branch}`,
    ci.commit && `Commit: ${ci.commit}`,
  ].filter(Boolean).join('\n');
  return { title, description };
}
