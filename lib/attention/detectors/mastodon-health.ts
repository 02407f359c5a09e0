import type { MigrationState, ServiceProbe } from '../../mastodon/health';
import type { HealthState } from '../../docker/types';
import { NOT_LOOKED, type Found } from '../detector';
import { text, type Text } from '../../i18n/text';

/**
 * Web or streaming not answering while Docker runs them, and pending migrations, from the health panel's
 * readings (lib/mastodon/health.ts). A service Docker does not run is the containers detector's finding.
 */

function healthWords(health: HealthState): Text {
  return text(`attention.health.${health}`);
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
      title: text('attention.services.notAnswering.title', { service }),
      evidence: container
        ? text('attention.services.notAnswering.evidenceRunning', {
            url: probe.url,
            problem: probe.problem ?? text('attention.services.notAnswering.failed'),
            container: container.name,
            health: healthWords(container.health),
          })
        : text('attention.services.notAnswering.evidence', {
            url: probe.url,
            problem: probe.problem ?? text('attention.services.notAnswering.failed'),
          }),
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
        title: text('attention.migrations.unchecked'),
        evidence: text('attention.unchecked.evidence', { title: state.error.title, detail: state.error.detail }),
        ...(state.error.fix ? { detail: state.error.fix } : {}),
      },
    ];
  }
  const findings: Found[] = [];
  if (state.pending.length > 0) {
    findings.push({
      key: 'migrations.pending',
      severity: 'warning',
      title: text('attention.migrations.pending.title', { count: state.pending.length }),
      evidence: text('attention.migrations.pending.evidence', {
        container: state.container,
        count: state.pending.length,
        names: firstFew(state.pending),
      }),
      fix: { kind: 'command', command: MIGRATE, where: text('attention.where.mastodonDir') },
    });
  }
  if (state.postDeployPending.length > 0) {
    findings.push({
      key: 'migrations.post-deploy-pending',
      severity: 'info',
      title: text('attention.migrations.postDeploy.title', { count: state.postDeployPending.length }),
      evidence: text('attention.migrations.postDeploy.evidence', { names: firstFew(state.postDeployPending) }),
      fix: { kind: 'command', command: MIGRATE, where: text('attention.where.mastodonDirNewVersion') },
    });
  }
  return findings;
}
