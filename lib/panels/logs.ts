import 'server-only';

import { containerHealthcheckTest, recentLogLines, type RecentLogs } from '../docker/logs';
import {
  parseSidekiqHealthcheck,
  summariseFindings,
  type LogFinding,
  type SidekiqHealthcheck,
} from '../mastodon/log-recognisers';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

export interface ContainerLogsData extends RecentLogs {
  findings: LogFinding[];
  /** Only for sidekiq: what its health check greps for, so the view can tell a stale check from a real fault. */
  sidekiqHealthcheck?: SidekiqHealthcheck;
}

const LOGS_TIMEOUT_MS = 15_000;

/** The last lines of one of the project's containers with the recognisers' findings. Throws AppError. */
export async function loadContainerLogs(ref: string, options: { tail?: number } = {}): Promise<ContainerLogsData> {
  const logs = await recentLogLines(ref, options);
  // Only the parsed grep leaves the server, not the health check command.
  const sidekiqHealthcheck =
    logs.container.service === 'sidekiq'
      ? parseSidekiqHealthcheck(await containerHealthcheckTest(logs.container.id))
      : undefined;
  return {
    ...logs,
    findings: summariseFindings(logs.lines, sidekiqHealthcheck ? { sidekiqHealthcheck } : {}),
    ...(sidekiqHealthcheck ? { sidekiqHealthcheck } : {}),
  };
}

/** The logs page's panel: its own timeout; a Docker fault fails only this panel. */
export function containerLogsPanel(ref: string, tail: number): Promise<PanelResult<ContainerLogsData>> {
  return runPanel(text('errors.panels.log', { ref }), LOGS_TIMEOUT_MS, () => loadContainerLogs(ref, { tail }));
}
