import 'server-only';

import { getConfig } from '../config';
import type { ErrorView } from '../errors';
import { readRunningVersion, type RunningVersion } from '../mastodon/running-version';
import { readSidekiq, type SidekiqReport } from '../mastodon/sidekiq';
import {
  containersInDoubt,
  diagnoseSidekiqHealth,
  readHealthcheckGreps,
  type SidekiqHealthDiagnosis,
} from '../mastodon/sidekiq-health-check';
import { containersPanel } from './containers';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

export interface SidekiqPanelData {
  report: SidekiqReport;
  /** The Mastodon version Sidekiq runs (decides the namespace and the required queues). */
  version: RunningVersion;
  /** Set when Docker could not be asked: the version is then unknown and health checks are not judged. */
  dockerError?: ErrorView;
  /** Sidekiq services Docker calls unhealthy while Redis shows Sidekiq alive. */
  healthChecks: SidekiqHealthDiagnosis[];
}

/**
 * Sidekiq from its Redis, with Docker's view beside it. Redis failing fails the panel; Docker failing only
 * leaves the version unknown (the keys then decide the namespace) and the health check unjudged.
 */
export function sidekiqPanel(): Promise<PanelResult<SidekiqPanelData>> {
  const config = getConfig();
  // Docker (its own timeout), Redis (connect 3 s + command 5 s), and at most one round of inspects.
  return runPanel(text('errors.panels.sidekiq'), 2 * config.docker.timeoutMs + 10_000, async () => {
    const docker = await containersPanel();
    const containers = docker.ok ? docker.data.containers : [];
    const version: RunningVersion = docker.ok
      ? await readRunningVersion({ of: 'sidekiq' })
      : { problem: text('vitals.version.docker', { title: docker.error.title }) };
    const report = await readSidekiq({ version: version.version });

    const heartbeats = report.processes.map((process) => ({
      hostname: process.hostname,
      beatAgeSeconds: process.beatAgeSeconds,
      version: process.version,
    }));
    const doubtful = containersInDoubt(containers, heartbeats);
    const checks = doubtful.length > 0 ? await readHealthcheckGreps(doubtful) : undefined;
    const healthChecks = diagnoseSidekiqHealth({ containers, heartbeats, version: version.version, checks });

    return { report, version, healthChecks, ...(docker.ok ? {} : { dockerError: docker.error }) };
  });
}
