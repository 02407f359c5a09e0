import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { AttentionPanel } from '@/components/attention/attention-panel';
import type { AttentionFinding, AttentionReport } from '@/lib/attention/types';
import type { PanelResult } from '@/lib/panels/panel';
import { text } from '@/lib/i18n/text';

import { withIntl } from '../../support/intl';

const AT = '2026-12-04T10:02:33.120Z';

function render(initial: PanelResult<AttentionReport>, locale: 'en' | 'de' = 'en'): string {
  // React separates adjacent text with empty comments; the words are what counts here.
  return renderToString(withIntl(createElement(AttentionPanel, { initial, initialJobs: [] }), locale)).replaceAll(
    '<!-- -->',
    '',
  );
}

const report = (findings: AttentionFinding[]): PanelResult<AttentionReport> => ({
  ok: true,
  at: AT,
  data: { checkedAt: AT, findings, clear: [] },
});

describe('the "Needs attention" panel', () => {
  it('says "All clear" with the time of the last check when nothing is wrong', () => {
    const html = render(report([]));
    expect(html).toMatch(/data-testid="attention-clear">All clear <span[^>]*>\(last check 10:02:33 UTC\)/);
    expect(html).not.toContain('attention-item');
    expect(render(report([]), 'de')).toMatch(
      /data-testid="attention-clear">Alles in Ordnung <span[^>]*>\(zuletzt geprüft 10:02:33 UTC\)/,
    );
  });

  it("renders a finding's Texts in the reader's language", () => {
    const findings: AttentionFinding[] = [
      {
        key: 'migrations.pending',
        detector: 'migrations',
        severity: 'warning',
        title: text('attention.migrations.pending.title', { count: 2 }),
        evidence: text('attention.migrations.postDeploy.evidence', { names: '20261201_x' }),
        fix: {
          kind: 'command',
          command: 'docker compose run --rm web bundle exec rails db:migrate',
          where: text('attention.where.mastodonDir'),
        },
      },
    ];
    const en = render(report(findings));
    expect(en).toContain('2 database migrations pending');
    expect(en).toContain('in the Mastodon directory');
    const de = render(report(findings), 'de');
    expect(de).toContain('<h2 id="attention-title">Braucht Aufmerksamkeit</h2>');
    expect(de).toContain('2 Datenbankmigrationen stehen aus');
    expect(de).toContain('Aus db/post_migrate: 20261201_x.');
    expect(de).toContain('im Mastodon-Verzeichnis');
    expect(de).toContain('1 Warnung');
    expect(de).toContain('>Warnung</');
  });

  it('shows each finding with its evidence and fix, and folds long detail away', () => {
    const html = render(
      report([
        {
          key: 'media.broken',
          detector: 'media',
          severity: 'critical',
          title: 'Uploads fail',
          evidence: '3 Errno::EACCES lines',
          detail: 'The long story.',
          fix: {
            kind: 'media-ownership',
            container: 'mdtest-web-1',
            path: '/mastodon/public/system',
            owner: '991:991',
          },
        },
        {
          key: 'migrations.pending',
          detector: 'migrations',
          severity: 'warning',
          title: '1 database migration pending',
          evidence: 'one',
          fix: { kind: 'command', command: 'docker compose run --rm web bundle exec rails db:migrate', where: 'here' },
        },
        { key: 'people.open-reports', detector: 'moderation', severity: 'info', title: '1 open report', evidence: 'x' },
      ]),
    );
    expect(html).toContain('1 critical, 1 warning, 1 info');
    expect([...html.matchAll(/data-key="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'media.broken',
      'migrations.pending',
      'people.open-reports',
    ]);
    expect(html).toMatch(/<details[^>]*><summary>Details<\/summary><p>The long story\.<\/p><\/details>/);
    expect(html).toContain('Fix ownership');
    expect(html).toContain('docker compose run --rm web bundle exec rails db:migrate');
    expect(html).not.toContain('All clear');
  });
});
