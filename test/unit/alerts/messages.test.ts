import { describe, expect, it } from 'vitest';

import { alertOrigin } from '@/lib/alerts';
import {
  renderEmail,
  renderNtfy,
  renderWebhookJson,
  type AlertMessage,
  type AlertProblem,
} from '@/lib/alerts/messages';
import { fixInWords } from '@/lib/alerts/watch-decisions';
import { loadConfig } from '@/lib/config';
import { formatFor } from '@/lib/i18n/format';
import { text } from '@/lib/i18n/text';

const SINCE = new Date('2026-12-04T09:59:41Z');
const AT = new Date('2026-12-04T10:34:41Z');

const problem: AlertProblem = {
  id: 'container.exited:web',
  severity: 'critical',
  title: 'web exited (code 1)',
  // A finding's Text with a fractional value: rendered in the message's language, with its decimal separator.
  evidence: text('alerts.delivery.timedOut', { seconds: 2.5 }),
  fix: fixInWords({ kind: 'restart', service: 'web', container: 'mdtest-web-1' }),
  since: SINCE,
};
const opened: AlertMessage = { kind: 'opened', problem, at: AT };

describe('alert messages in the admin’s language', () => {
  it('stay in English by default, word for word as before', () => {
    const mail = renderEmail(opened, { instance: 'social.example' });
    expect(mail.subject).toBe('[Mastodash] Critical: web exited (code 1) (social.example)');
    expect(mail.text).toBe(
      [
        'web exited (code 1)',
        '',
        'Evidence: No answer: timed out after 2.5 s (ALERT_TIMEOUT_SECONDS).',
        'Since 2026-12-04T09:59:41.000Z (35 min).',
        'Fix: Restart web (mdtest-web-1) on the Containers page.',
        '',
        'Severity: critical. Problem id: container.exited:web.',
      ].join('\n'),
    );
    const recovered = renderEmail(
      { kind: 'recovered', problem, endedAt: new Date('2026-12-04T12:04:41Z'), at: AT },
      { instance: 'social.example' },
    );
    expect(recovered.subject).toBe('[Mastodash] Recovered: web exited (code 1) (social.example)');
    expect(recovered.text).toContain('Ended at 2026-12-04T12:04:41.000Z, after 2 h 5 min.');
    expect(renderEmail({ kind: 'test', at: AT }, {}).text).toBe(
      'This is a test message from Mastodash, sent at 2026-12-04T10:34:41.000Z.\n' +
        'If you read it, alerts reach you on this channel.',
    );
  });

  it('write a German mail: subject and body in German, decimal comma, German date', () => {
    const origin = { instance: 'social.example', locale: 'de' as const };
    const mail = renderEmail(opened, origin);
    expect(mail.subject).toBe('[Mastodash] Kritisch: web exited (code 1) (social.example)');
    const lines = mail.text.split('\n');
    expect(lines[2]).toBe('Befund: Keine Antwort: Zeitüberschreitung nach 2,5 s (ALERT_TIMEOUT_SECONDS).');
    const since = formatFor('de').dateTime(SINCE, { seconds: true });
    expect(since).toMatch(/^4\. Dez\. 2026, \d\d:\d\d:41$/);
    expect(lines[3]).toBe(`Seit ${since} (35 Min.).`);
    expect(lines[4]).toBe('Abhilfe: Starte web (mdtest-web-1) auf der Seite „Container“ neu.');
    expect(lines[6]).toBe('Schweregrad: kritisch. Problem-ID: container.exited:web.');
    expect(mail.text).not.toMatch(/Evidence|Since|Fix:|Severity/);

    const reminder = renderEmail({ kind: 'reminder', problem: { ...problem, severity: 'warning' }, at: AT }, origin);
    expect(reminder.subject).toBe('[Mastodash] Weiterhin Warnung: web exited (code 1) (social.example)');
    const recovered = renderEmail(
      { kind: 'recovered', problem, endedAt: new Date('2026-12-04T12:04:41Z'), at: AT },
      origin,
    );
    expect(recovered.subject).toBe('[Mastodash] Behoben: web exited (code 1) (social.example)');
    expect(recovered.text).toContain(', nach 2 Std. 5 Min.');
    const test = renderEmail({ kind: 'test', at: AT }, origin);
    expect(test.subject).toBe('[Mastodash] Testnachricht von Mastodash (social.example)');
    expect(test.text).toContain('Dies ist eine Testnachricht von Mastodash (social.example), gesendet am 4. Dez. 2026');
  });

  it('write German webhooks, with the JSON fields and ids unchanged', () => {
    const origin = { instance: 'social.example', locale: 'de' as const };
    const body = renderWebhookJson(opened, origin);
    expect(body.kind).toBe('opened');
    expect(body.title).toBe('Kritisch: web exited (code 1) (social.example)');
    expect(body.problem?.severity).toBe('critical');
    expect(body.problem?.evidence).toBe('Keine Antwort: Zeitüberschreitung nach 2,5 s (ALERT_TIMEOUT_SECONDS).');
    expect(body.problem?.fix).toBe('Starte web (mdtest-web-1) auf der Seite „Container“ neu.');
    expect(body.sentAt).toBe('2026-12-04T10:34:41.000Z');
    const ntfy = renderNtfy(opened, origin);
    // Non-ASCII header text travels as an RFC 2047 encoded word.
    expect(ntfy.headers.Title).toBe('Kritisch: web exited (code 1) (social.example)');
    expect(ntfy.body).toContain('Befund: ');
  });

  it("take Mastodon's DEFAULT_LOCALE from .env.production for the origin", () => {
    const config = loadConfig({
      env: { MASTODON_DIR: '/srv/mastodon' },
      cwd: '/srv',
      readFile: () => 'LOCAL_DOMAIN=social.example\nDEFAULT_LOCALE=de\n',
    });
    const origin = alertOrigin(config);
    expect(origin).toEqual({ instance: 'social.example', locale: 'de' });
    expect(renderEmail({ kind: 'test', at: AT }, origin).subject).toBe(
      '[Mastodash] Testnachricht von Mastodash (social.example)',
    );
  });
});
