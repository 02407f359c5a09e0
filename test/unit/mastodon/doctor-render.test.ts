import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import type { Locale } from '@/lib/i18n/locales';
import { withIntl } from '@/test/support/intl';

import { DoctorPanel } from '@/components/vitals/doctor-panel';
import { summarizeFindings, summaryLine, type Finding } from '@/lib/mastodon/config-doctor';
import type { DoctorPanelData } from '@/lib/panels/doctor';
import type { PanelResult } from '@/lib/panels/panel';

/** The parts, in this order, anything between them. */
function inOrder(...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join('.*'));
}

const AT = '2026-11-26T12:00:00.000Z';

function render(result: PanelResult<DoctorPanelData>, locale: Locale = 'en'): string {
  return renderToString(withIntl(createElement(DoctorPanel, { initial: result }), locale));
}

function panel(findings: Finding[]): PanelResult<DoctorPanelData> {
  const summary = summarizeFindings(findings);
  return {
    ok: true,
    at: AT,
    data: {
      dir: '/srv/mastodon',
      envFile: '/srv/mastodon/.env.production',
      composeFile: 'docker-compose.yml',
      version: '4.4.22',
      findings,
      summary,
      summaryLine: summaryLine(summary),
    },
  };
}

const FINDINGS: Finding[] = [
  {
    id: 'db-host-socket',
    severity: 'error',
    key: 'DB_HOST',
    title: 'DB_HOST is a Unix socket directory, not a reachable host',
    why: 'Inside the web container that directory does not exist.',
    fix: 'Set DB_HOST=db (the compose service name).',
  },
  {
    id: 'port-public',
    severity: 'warning',
    service: 'web',
    title: 'web publishes 3000→3000 on every interface',
    why: 'Docker listens on all interfaces.',
  },
  {
    id: 'media-local',
    severity: 'info',
    key: 'S3_ENABLED',
    title: 'Media are stored on the server’s disk',
    why: 'S3_ENABLED is not true.',
  },
  {
    id: 'local-domain-set',
    severity: 'ok',
    key: 'LOCAL_DOMAIN',
    title: 'LOCAL_DOMAIN is set',
    why: 'A bare domain name in .env.production.',
  },
  {
    id: 'smtp-set',
    severity: 'ok',
    key: 'SMTP_SERVER',
    title: 'Outgoing mail is configured',
    why: 'SMTP_SERVER is set in .env.production.',
  },
];

describe('DoctorPanel (server render)', () => {
  it('groups findings by severity, each with a badge word and shape, title, why and fix', () => {
    const html = render(panel(FINDINGS));
    expect(html).toContain(
      'data-testid="doctor-summary" data-problems="1" data-warnings="1">1 problem, 1 warning, 1 note, 2 ' +
        'checks passed</p>',
    );
    expect(html).toContain(
      'Checked .env.production and docker-compose.yml in /srv/mastodon against the rules of Mastodon 4.4.22. ' +
        'Values are never shown',
    );
    expect(html).toMatch(
      inOrder(
        /data-testid="doctor-group-error"/,
        /Problems \(1\)/,
        /data-id="db-host-socket" data-severity="error" data-key="DB_HOST"/,
        /data-tone="bad"/,
        /■/,
        /Problem<\/span>/,
        /DB_HOST is a Unix socket directory/,
        /Fix:/,
        /Set DB_HOST=db \(the compose service name\)\./,
      ),
    );
    expect(html).toMatch(
      inOrder(
        /data-testid="doctor-group-warning"/,
        /Warnings \(1\)/,
        /data-id="port-public" data-severity="warning" data-service="web"/,
        /◐.*Warning/,
      ),
    );
    expect(html).toMatch(/data-testid="doctor-group-info".*Notes \(1\).*○.*Note/);
    expect(html).toMatch(
      inOrder(
        /<details[^>]*data-testid="doctor-group-ok"><summary>2 checks passed<\/summary>/,
        /●.*OK.*LOCAL_DOMAIN is set.*Outgoing mail is configured/,
      ),
    );
    // The groups come in order of severity.
    expect(html.indexOf('doctor-group-error')).toBeLessThan(html.indexOf('doctor-group-warning'));
    expect(html.indexOf('doctor-group-warning')).toBeLessThan(html.indexOf('doctor-group-info'));
  });

  it('leaves out empty groups', () => {
    const html = render(panel(FINDINGS.filter((f) => f.severity === 'ok')));
    expect(html).toContain('0 problems, 0 warnings, 2 checks passed');
    expect(html).not.toContain('doctor-group-error');
    expect(html).not.toContain('doctor-group-warning');
  });

  it('shows a failure with the shared error box', () => {
    const html = render({
      ok: false,
      at: AT,
      error: {
        code: 'not_found',
        title: 'MASTODON_DIR is not set',
        detail: 'The config doctor reads it.',
        fix: 'Set MASTODON_DIR.',
      },
    });
    expect(html).toMatch(
      /data-testid="doctor-error" data-code="not_found".*MASTODON_DIR is not set.*Fix: (<!-- -->)?Set MASTODON_DIR\./,
    );
    expect(html).not.toContain('doctor-summary');
  });

  it('reads in German', () => {
    const html = render(panel(FINDINGS), 'de');
    expect(html).toContain('Konfiguration');
    expect(html).toMatch(/Prüfungen? bestanden/);
    expect(html).toContain('geprüft');
    expect(html).not.toContain('Values are never shown');
  });
});
