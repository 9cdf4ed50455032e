import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api';
import type { RunCreateBody } from './api-types';
import { isoTime } from './clock';
import type { Config, ConfigurationValue, Project } from './config';

/** One API call, sent and resent as the sending policy says (Delivery.call). */
export type Call = <T>(request: (api: ApiClient, cancel: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The run to create, in the user's terms (environment slug, configuration names). Kept in the outbox manifest so
 * `qase-reporters upload` can create the same run later when this process could not.
 */
export interface RunPlan {
  title: string;
  description?: string;
  environment?: string;
  planId?: number;
  tags: string[];
  configurations: ConfigurationValue[];
  createConfigurations: boolean;
  /** An issue of the workspace's Jira integration the run is linked to. */
  externalLink?: { type: 'jiraCloud' | 'jiraServer'; link: string };
  /** `YYYY-MM-DD HH:MM:SS` UTC: no result of the run starts before it. */
  startTime: string;
  /**
   * Unique to this plan and written into the run's description, so that after a create the API may have done
   * without answering, the run can be found instead of created twice. Absent in manifests written before it.
   */
  mark?: string;
}

/** The run `project` (default: the one of `testops.*`) creates; the title and description default to `defaults`. */
export function planRun(config: Config, startedAtMs: number, defaults: { title: string; description?: string }, project?: Project): RunPlan {
  const { run, plan, environment } = project ?? { ...config.testops, environment: config.environment };
  return {
    title: run.title ?? defaults.title,
    description: run.description ?? defaults.description,
    environment,
    planId: plan.id,
    tags: [...run.tags],
    configurations: [...config.testops.configurations.values],
    createConfigurations: config.testops.configurations.createIfNotExists,
    externalLink: run.externalLink && { ...run.externalLink },
    startTime: runStartTime(startedAtMs),
    mark: `qase-reporters:${randomUUID()}`,
  };
}

/** The API takes a run's start as `YYYY-MM-DD HH:MM:SS` in UTC, to the second. */
function runStartTime(ms: number): string {
  return isoTime(Math.floor(ms / 1000) * 1000).slice(0, 19).replace('T', ' ');
}

/** The earliest instant a result may carry in a run that starts at `startTime`. */
export function runStartMs(startTime: string): number {
  return Date.parse(`${startTime.replace(' ', 'T')}Z`);
}

export function runUrl(appUrl: string, project: string, runId: number): string {
  return `${appUrl}/run/${encodeURIComponent(project)}/dashboard/${runId}`;
}

/**
 * Creates the run: looks up the environment by slug and the configurations by name (creating them when asked).
 * What cannot be found is left out with a warning rather than failing the run. Safe to repeat: every try after
 * the first (`lookFirst`: a try was made before, in this process or the one that wrote the plan) first looks for
 * the run carrying the plan's mark, since a create whose answer was lost may have created it.
 */
export async function createPlannedRun(
  plan: RunPlan, project: string, call: Call, warn: (line: string) => void, options: { lookFirst?: boolean } = {},
): Promise<number> {
  const markLine = plan.mark ? `\n\n${plan.mark}` : '';
  const body: RunCreateBody = {
    title: plan.title.slice(0, 255),
    description: (plan.description ?? '').slice(0, 10_000 - markLine.length) + markLine || undefined,
    is_autotest: true,
    plan_id: plan.planId,
    tags: plan.tags.length > 0 ? plan.tags : undefined,
    start_time: plan.startTime,
  };
  if (plan.environment) {
    const slug = plan.environment;
    body.environment_id = await call((api, c) => api.findEnvironmentId(project, slug, c));
    if (body.environment_id === undefined) {
      warn(`environment "${slug}" does not exist in project ${project}; the run is created without one. Check QASE_ENVIRONMENT.`);
    }
  }
  if (plan.configurations.length > 0) body.configurations = await configurationIds(plan, project, call, warn);
  let lookFirst = options.lookFirst === true;
  const runId = await call(async (api, c) => {
    if (lookFirst && plan.mark) {
      const found = await api.findRunByMark(project, plan.mark, runStartMs(plan.startTime) / 1000, c);
      if (found !== undefined) return found;
    }
    lookFirst = true;
    return api.createRun(project, body, c);
  });
  if (plan.externalLink) {
    const { type, link } = plan.externalLink;
    const tracker = type === 'jiraCloud' ? 'jira-cloud' : 'jira-server';
    // The run exists and results can go: a link the API refuses is worth a warning, not the run.
    await call((api, c) => api.linkRunToIssue(project, runId, tracker, link, c)).catch((error: Error) =>
      warn(`run ${runId} was not linked to ${link}: ${error.message} Check QASE_TESTOPS_RUN_EXTERNAL_LINK.`));
  }
  return runId;
}

async function configurationIds(plan: RunPlan, project: string, call: Call, warn: (line: string) => void): Promise<number[]> {
  const groups = await call((api, c) => api.listConfigurations(project, c));
  const ids: number[] = [];
  for (const { name, value } of plan.configurations) {
    let group = groups.find((g) => g.title === name);
    if (!group && plan.createConfigurations) {
      const id = await call((api, c) => api.createConfigurationGroup(project, name, c));
      group = { id, title: name, configurations: [] };
      groups.push(group);
    }
    let configuration = group?.configurations.find((c) => c.title === value);
    if (group && !configuration && plan.createConfigurations) {
      const groupId = group.id;
      configuration = { id: await call((api, c) => api.createConfiguration(project, groupId, value, c)), title: value };
      group.configurations.push(configuration);
    }
    if (configuration) ids.push(configuration.id);
    else warn(`configuration ${name}=${value} does not exist in project ${project}; set QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS=true to create it.`);
  }
  return ids;
}
