import type { MigrationState, ServiceProbe } from '../../mastodon/health';
import type { HealthState } from '../../docker/types';
import { plural } from '../../mastodon/config-doctor/words';
import { NOT_LOOKED, type Found } from '../detector';
import { inEnglish } from '../../i18n/english';

/**
 * Web or streaming not answering while Docker runs them, and pending migrations, from the health panel's
 * readings (lib/mastodon/health.ts). A service Docker does not run is the containers detector's finding.
 */

function healthWords(health: HealthState): string {
  return health === 'none' ? 'no health check' : health;
}

function firstFew(versions: readonly string[]): string {
  return `${versions.slice(0, 3).join(', ')}${versions.length > 3 ? ', …' : ''}`;
}

const MIGRATE = 'docker compose run --rm web bundle exec rails db:migrate';

export function serviceFindings(
  service: 'web' | 'streaming',
  probe: ServiceProbe,
  isRunning: (container: string) => boolean,
): Found[] {
  if (probe.ok) return [];
  const container = probe.container;
  // Stopped or missing containers are reported by the containers detector, with their exit code.
  if (container ? !isRunning(container.name) : probe.address.source !== 'configured') return [];
  return [
    {
      key: `service.not-answering:${service}`,
      severity: 'critical',
      title: `${service} does not answer`,
      evidence:
        `${probe.url} ${probe.problem ?? 'failed'}` +
        (container ? ` while Docker runs ${container.name} (${healthWords(container.health)}).` : '.'),
      ...(probe.hint ? { detail: probe.hint } : {}),
      ...(container ? { fix: { kind: 'restart', container: container.name, service } } : {}),
    },
  ];
}

export function migrationFindings(state: MigrationState): Found[] | typeof NOT_LOOKED {
  if (!state.ok) {
    // No running web or sidekiq to list the files from: the containers detector already says so.
    if (state.error.code === 'not_found') return NOT_LOOKED;
    return [
      {
        key: 'migrations.unchecked',
        severity: 'warning',
        title: 'Cannot check for pending migrations',
        evidence: `${inEnglish(state.error.title)}: ${inEnglish(state.error.detail)}`,
        ...(state.error.fix ? { detail: inEnglish(state.error.fix) } : {}),
      },
    ];
  }
  const findings: Found[] = [];
  if (state.pending.length > 0) {
    findings.push({
      key: 'migrations.pending',
      severity: 'warning',
      title: `${plural(state.pending.length, 'database migration')} pending`,
      evidence:
        `${state.container}'s image has ${plural(state.pending.length, 'migration')} ` +
        `that schema_migrations does not list: ${firstFew(state.pending)}.`,
      fix: { kind: 'command', command: MIGRATE, where: 'in the Mastodon directory' },
    });
  }
  if (state.postDeployPending.length > 0) {
    findings.push({
      key: 'migrations.post-deploy-pending',
      severity: 'info',
      title: `${plural(state.postDeployPending.length, 'post-deployment migration')} pending`,
      evidence: `From db/post_migrate: ${firstFew(state.postDeployPending)}.`,
      fix: { kind: 'command', command: MIGRATE, where: 'in the Mastodon directory, once the new version runs' },
    });
  }
  return findings;
}
