import 'server-only';

import {
  probeStreaming,
  probeWeb,
  readMigrationState,
  type MigrationState,
  type ServiceProbe,
} from '../mastodon/health';
import { readRunningVersion, type RunningVersion } from '../mastodon/running-version';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

export interface HealthPanelData {
  web: ServiceProbe;
  streaming: ServiceProbe;
  version: RunningVersion;
  migrations: MigrationState;
}

/**
 * Is Mastodon itself well: web and streaming answer, which version runs, and whether migrations wait.
 * Each part fails alone.
 */
export function healthPanel(): Promise<PanelResult<HealthPanelData>> {
  return runPanel(text('errors.panels.health'), 12_000, async () => {
    const [web, streaming, version, migrations] = await Promise.all([
      probeWeb(),
      probeStreaming(),
      readRunningVersion(),
      readMigrationState(),
    ]);
    return { web, streaming, version, migrations };
  });
}
