import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { AlertHistory } from '@/components/alerts/alert-history';
import { OpenProblems } from '@/components/alerts/open-problems';
import type { AlertsOverview } from '@/lib/alerts/overview';
import type { Locale } from '@/lib/i18n/locales';
import { text as message } from '@/lib/i18n/text';
import { withIntl } from '@/test/support/intl';

const CHANNEL = {
  kind: 'email' as const,
  label: message('alerts.channels.email'),
  facts: [{ id: 'to', label: message('alerts.channels.facts.to'), value: 'admin@example.com' }],
};

function overview(fields: Partial<AlertsOverview>): AlertsOverview {
  return {
    channels: [CHANNEL],
    timeoutSeconds: 10,
    watcher: { running: true, intervalSeconds: 60, afterSeconds: 120, repeatHours: 24 },
    problems: [],
    history: { ok: true, entries: [] },
    ...fields,
  };
}

// React separates adjacent text with empty comments; the words are what counts here.
const html = (element: Parameters<typeof renderToString>[0], locale: Locale = 'en') =>
  renderToString(withIntl(element, locale)).replaceAll('<!-- -->', '');

describe('the Alerts page: open problems', () => {
  it('shows each announced problem with severity, since when, evidence and fix', () => {
    const text = html(
      createElement(OpenProblems, {
        overview: overview({
          problems: [
            {
              id: 'container.exited:web',
              severity: 'critical',
              title: 'web exited (code 1)',
              evidence: 'docker inspect: Exited (1) at 09:59:41',
              fix: 'Restart web (mdtest-web-1) on the Containers page.',
              since: new Date('2026-12-04T09:59:41Z'),
            },
          ],
        }),
      }),
    );
    expect(text).toContain('data-problem="container.exited:web"');
    expect(text).toContain('Critical');
    expect(text).toContain('web exited (code 1)');
    expect(text).toContain('since 2026-12-04 09:59:41 UTC');
    expect(text).toContain('docker inspect: Exited (1) at 09:59:41');
    expect(text).toContain('Fix: Restart web (mdtest-web-1) on the Containers page.');
    expect(text).not.toContain('no-open-problems');
  });

  it('says "none" while the watcher runs, and why there is no list when it does not', () => {
    expect(html(createElement(OpenProblems, { overview: overview({}) }))).toContain('data-testid="no-open-problems"');
    const off = html(createElement(OpenProblems, { overview: overview({ channels: [] }) }));
    expect(off).toContain('data-testid="watcher-off"');
    expect(off).not.toContain('no-open-problems');
    const notRunning = overview({
      watcher: { running: false, intervalSeconds: 60, afterSeconds: 120, repeatHours: 0 },
    });
    const stopped = html(createElement(OpenProblems, { overview: notRunning }));
    expect(stopped).toContain('data-testid="watcher-not-running"');
    expect(stopped).not.toContain('no-open-problems');
  });
});

describe('the Alerts page: history', () => {
  it('shows a failed watcher delivery with its reason, the receiver’s words and the retry, and the queue counts', () => {
    const text = html(
      createElement(AlertHistory, {
        overview: overview({
          queue: { pending: 1, delivered: 4, deliveredAfterRetry: 1, failedAttempts: 2, abandoned: 0, dropped: 0 },
          history: {
            ok: true,
            entries: [
              {
                id: 7,
                at: '2026-12-04T10:02:00.000Z',
                actor: 'alerts',
                channel: 'email',
                target: 'email ad…@example.com',
                message: 'opened',
                problem: 'container.exited:web',
                attempt: 2,
                delivered: false,
                reason: 'Nothing answered',
                detail: '127.0.0.1:2525: connect ECONNREFUSED',
                retryInSeconds: 60,
              },
            ],
          },
        }),
      }),
    );
    expect(text).toContain('4 delivered (1 after a retry), 2 failed attempts, 1 waiting');
    expect(text).toContain('email ad…@example.com');
    expect(text).not.toContain('by alerts');
    expect(text).toContain('container.exited:web');
    expect(text).toContain('attempt 2');
    expect(text).toContain('Not delivered');
    expect(text).toContain('Nothing answered');
    expect(text).toContain('127.0.0.1:2525: connect ECONNREFUSED');
    expect(text).toContain('tried again after 60 s');
    // The record's own row on the audit page, whatever its age.
    expect(text).toContain('href="/audit?beforeId=8#audit-7"');
    expect(text).toContain('href="/audit?action=alert.failed"');
  });

  it('shows an audit log it cannot read as an error, not as an empty history', () => {
    const text = html(
      createElement(AlertHistory, {
        overview: overview({
          history: {
            ok: false,
            error: { code: 'audit_unavailable', title: 'The audit log cannot be read', detail: 'disk I/O error' },
          },
        }),
      }),
    );
    expect(text).toContain('data-testid="alert-history-error"');
    expect(text).not.toContain('alert-history-empty');
  });
});

describe('the Alerts page in German', () => {
  it('shows the problems, the watcher and the history in German, with the ids unchanged', () => {
    const problems = html(
      createElement(OpenProblems, {
        overview: overview({
          problems: [
            {
              id: 'container.exited:web',
              severity: 'critical',
              title: 'web exited (code 1)',
              evidence: 'docker inspect: Exited (1) at 09:59:41',
              fix: message('alertMessages.fix.restart', { service: 'web', container: 'mdtest-web-1' }),
              since: new Date('2026-12-04T09:59:41Z'),
            },
          ],
        }),
      }),
      'de',
    );
    expect(problems).toContain('<h2 id="alert-problems-title">Offene Probleme</h2>');
    expect(problems).toContain('Kritisch');
    expect(problems).toContain('seit 2026-12-04 09:59:41 UTC');
    expect(problems).toContain('Abhilfe: Starte web (mdtest-web-1) auf der Seite „Container“ neu.');
    expect(problems).toContain(
      'Die Überwachung prüft alle 1 Min.; ein Problem, das 2 Min. anhält, löst eine Nachricht aus, sein Ende eine ' +
        'Entwarnung, und solange es bleibt, höchstens alle 24 Std. eine Erinnerung.',
    );
    const history = html(
      createElement(AlertHistory, {
        overview: overview({
          history: {
            ok: true,
            entries: [
              {
                id: 7,
                at: '2026-12-04T10:02:00.000Z',
                actor: 'admin',
                channel: 'webhook',
                target: null,
                message: 'test',
                delivered: false,
                reason: message('alerts.delivery.reasons.unreachable.title'),
                retryInSeconds: 1.5,
              },
            ],
          },
        }),
      }),
      'de',
    );
    expect(history).toContain('<h2 id="alert-history-title">Verlauf</h2>');
    expect(history).toContain('data-message="test"');
    expect(history).toContain('von admin');
    expect(history).toContain('Nicht zugestellt');
    expect(history).toContain('Keine Antwort');
    expect(history).toContain('erneut versucht nach 1,5 s');
  });
});
