import type { ApiClient } from './api';
import type { RunCreateBody } from './api-types';
import type { Config, ConfigurationValue } from './config';
import type { Dispatcher } from './upload/dispatcher';

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
}

export function planRun(config: Config, startedAtMs: number, defaults: { title: string; description?: string }): RunPlan {
  const { run } = config.testops;
  return {
    title: run.title ?? defaults.title,
    description: run.description ?? defaults.description,
    environment: config.environment,
    planId: config.testops.plan.id,
    tags: [...run.tags],
    configurations: [...config.testops.configurations.values],
    createConfigurations: config.testops.configurations.createIfNotExists,
    externalLink: config.testops.run.externalLink && { ...config.testops.run.externalLink },
    startTime: runStartTime(startedAtMs),
  };
}

/** The API takes a run's start as `YYYY-MM-DD HH:MM:SS` in UTC, to the second. */
function runStartTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
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
 * What cannot be found is left out with a warning rather than failing the run.
 */
export async function createRun(
  plan: RunPlan, project: string, api: ApiClient, dispatcher: Dispatcher, warn: (line: string) => void,
): Promise<number> {
  const body: RunCreateBody = {
    title: plan.title.slice(0, 255),
    description: plan.description?.slice(0, 10_000),
    is_autotest: true,
    plan_id: plan.planId,
    tags: plan.tags.length > 0 ? plan.tags : undefined,
    start_time: plan.startTime,
  };
  if (plan.environment) {
    const slug = plan.environment;
    body.environment_id = await dispatcher.run((c) => api.findEnvironmentId(project, slug, c));
    if (body.environment_id === undefined) {
      warn(`environment "${slug}" does not exist in project ${project}; the run is created without one. Check QASE_ENVIRONMENT.`);
    }
  }
  if (plan.configurations.length > 0) body.configurations = await configurationIds(plan, project, api, dispatcher, warn);
  const runId = await dispatcher.run((c) => api.createRun(project, body, c));
  if (plan.externalLink) {
    const { type, link } = plan.externalLink;
    const tracker = type === 'jiraCloud' ? 'jira-cloud' : 'jira-server';
    // The run exists and results can go: a link the API refuses is worth a warning, not the run.
    await dispatcher.run((c) => api.linkRunToIssue(project, runId, tracker, link, c)).catch((error: Error) =>
      warn(`run ${runId} was not linked to ${link}: ${error.message} Check QASE_TESTOPS_RUN_EXTERNAL_LINK.`));
  }
  return runId;
}

async function configurationIds(
  plan: RunPlan, project: string, api: ApiClient, dispatcher: Dispatcher, warn: (line: string) => void,
): Promise<number[]> {
  const groups = await dispatcher.run((c) => api.listConfigurations(project, c));
  const ids: number[] = [];
  for (const { name, value } of plan.configurations) {
    let group = groups.find((g) => g.title === name);
    if (!group && plan.createConfigurations) {
      const id = await dispatcher.run((c) => api.createConfigurationGroup(project, name, c));
      group = { id, title: name, configurations: [] };
      groups.push(group);
    }
    let configuration = group?.configurations.find((c) => c.title === value);
    if (group && !configuration && plan.createConfigurations) {
      const groupId = group.id;
      configuration = { id: await dispatcher.run((c) => api.createConfiguration(project, groupId, value, c)), title: value };
      group.configurations.push(configuration);
    }
    if (configuration) ids.push(configuration.id);
    else warn(`configuration ${name}=${value} does not exist in project ${project}; set QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS=true to create it.`);
  }
  return ids;
}
