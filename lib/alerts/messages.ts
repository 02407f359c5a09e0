import 'server-only';

/**
 * What an alert says, once, and how each channel shows it: the e-mail's subject and text, the documented JSON
 * body (README, "Alerts") and ntfy's plain text with its Title, Priority and Tags headers
 * (docs.ntfy.sh/publish: "Message title", "Message priority", "Tags & emojis").
 */

import { translatorFor } from '../i18n/english';
import { formatFor } from '../i18n/format';
import { FALLBACK_LOCALE, type Locale } from '../i18n/locales';
import { renderText, type Text, type Translate } from '../i18n/text';

export type AlertSeverity = 'critical' | 'warning' | 'info';

/** A problem as the watcher hands it over: what the detector found, in words, and its fix. */
export interface AlertProblem {
  /** Stable per problem (detector id and subject), so a receiver can pair a recovery with its opening. */
  id: string;
  severity: AlertSeverity;
  /** One line: "web exited (code 1)". A Text, or a finding's legacy English string. */
  title: Text | string;
  /** One line of evidence: what was read, and when. */
  evidence: Text | string;
  /** The button to press or the exact command to run. */
  fix?: Text | string;
  since: Date;
}

export type AlertMessage =
  | { kind: 'opened' | 'reminder'; problem: AlertProblem; at: Date }
  | { kind: 'recovered'; problem: AlertProblem; endedAt: Date; at: Date }
  | { kind: 'test'; at: Date };

export type AlertKind = AlertMessage['kind'];

/** Where the message comes from (Mastodon's LOCAL_DOMAIN, when known), and the language it is written in. */
export interface AlertOrigin {
  instance?: string;
  /** ALERT_LOCALE (default: Mastodon's DEFAULT_LOCALE); English when absent. */
  locale?: Locale;
}

/** The words of one language: its translator and its formats. */
interface Words {
  locale: Locale;
  t: Translate;
  render(message: Text | string): string;
  /** A moment: English keeps the ISO time its receivers may already parse; German reads `4. Dez. 2026, 08:17:05`. */
  moment(date: Date): string;
  /** Whole minutes: `5 min`, `2 h 5 min` / `5 Min.`, `2 Std. 5 Min.`. */
  lasted(ms: number): string;
}

function wordsOf(origin: AlertOrigin): Words {
  const locale = origin.locale ?? FALLBACK_LOCALE;
  const t = translatorFor(locale);
  const format = formatFor(locale);
  return {
    locale,
    t,
    render: (message) => renderText(t, message),
    moment: (date) => (locale === 'en' ? date.toISOString() : format.dateTime(date, { seconds: true })),
    lasted(ms) {
      const total = Math.max(0, Math.round(ms / 60_000));
      if (total < 60) return t('alertMessages.duration.minutes', { minutes: format.number(total) });
      const hours = format.number(Math.floor(total / 60));
      return total % 60 === 0
        ? t('alertMessages.duration.hours', { hours })
        : t('alertMessages.duration.hoursMinutes', { hours, minutes: format.number(total % 60) });
    },
  };
}

function titleOf(message: AlertMessage, origin: AlertOrigin, words: Words): string {
  const { t } = words;
  const bare = ((): string => {
    switch (message.kind) {
      case 'opened':
      case 'reminder':
        return t(`alertMessages.title.${message.kind}.${message.problem.severity}`, {
          title: words.render(message.problem.title),
        });
      case 'recovered':
        return t('alertMessages.title.recovered', { title: words.render(message.problem.title) });
      case 'test':
        return t('alertMessages.title.test');
    }
  })();
  return origin.instance ? t('alertMessages.title.withInstance', { title: bare, instance: origin.instance }) : bare;
}

/** The one-line title: the e-mail's subject after its tag, ntfy's Title, the JSON body's `title`. */
export function alertTitle(message: AlertMessage, origin: AlertOrigin): string {
  return titleOf(message, origin, wordsOf(origin));
}

function textOf(message: AlertMessage, origin: AlertOrigin, words: Words): string {
  const { t } = words;
  if (message.kind === 'test') {
    return t('alertMessages.body.test', { instance: origin.instance ?? 'none', at: words.moment(message.at) });
  }
  const { problem } = message;
  const lines = [
    words.render(problem.title),
    '',
    t('alertMessages.body.evidence', { evidence: words.render(problem.evidence) }),
  ];
  if (message.kind === 'recovered') {
    const lasted = words.lasted(message.endedAt.getTime() - problem.since.getTime());
    lines.push(t('alertMessages.body.ended', { at: words.moment(message.endedAt), lasted }));
  } else {
    const lasted = words.lasted(message.at.getTime() - problem.since.getTime());
    lines.push(t('alertMessages.body.since', { at: words.moment(problem.since), lasted }));
    if (problem.fix) lines.push(t('alertMessages.body.fix', { fix: words.render(problem.fix) }));
  }
  lines.push(
    '',
    t('alertMessages.body.footer', { severity: t(`alertMessages.severity.${problem.severity}`), id: problem.id }),
  );
  return lines.join('\n');
}

/** The plain text body: the e-mail's text and ntfy's message. */
export function alertText(message: AlertMessage, origin: AlertOrigin): string {
  return textOf(message, origin, wordsOf(origin));
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

export function renderEmail(message: AlertMessage, origin: AlertOrigin): RenderedEmail {
  const words = wordsOf(origin);
  return {
    subject: words.t('alertMessages.subject', { title: titleOf(message, origin, words) }),
    text: textOf(message, origin, words),
  };
}

/** The JSON body, version 1 (README, "Alerts"): add fields freely, never change or drop one. */
export interface WebhookJsonBody {
  version: 1;
  kind: AlertKind;
  title: string;
  text: string;
  instance: string | null;
  sentAt: string;
  problem: {
    id: string;
    severity: AlertSeverity;
    /** In the message's language, like `title` and `text`. */
    title: string;
    evidence: string;
    fix: string | null;
    since: string;
    endedAt: string | null;
  } | null;
}

export function renderWebhookJson(message: AlertMessage, origin: AlertOrigin): WebhookJsonBody {
  const words = wordsOf(origin);
  return {
    version: 1,
    kind: message.kind,
    title: titleOf(message, origin, words),
    text: textOf(message, origin, words),
    instance: origin.instance ?? null,
    sentAt: message.at.toISOString(),
    problem:
      message.kind === 'test'
        ? null
        : {
            id: message.problem.id,
            severity: message.problem.severity,
            title: words.render(message.problem.title),
            evidence: words.render(message.problem.evidence),
            fix: message.problem.fix === undefined ? null : words.render(message.problem.fix),
            since: message.problem.since.toISOString(),
            endedAt: message.kind === 'recovered' ? message.endedAt.toISOString() : null,
          },
  };
}

// ntfy's priorities: 5 max/urgent, 4 high, 3 default, 2 low, 1 min.
const NTFY_PRIORITY: Record<AlertSeverity, string> = { critical: '5', warning: '4', info: '3' };
// ntfy turns tags that are emoji short codes into emoji before the title.
const NTFY_TAGS: Record<AlertKind, (severity?: AlertSeverity) => string> = {
  opened: (severity) => (severity === 'critical' ? 'rotating_light' : severity === 'warning' ? 'warning' : 'bell'),
  reminder: (severity) => (severity === 'critical' ? 'rotating_light' : severity === 'warning' ? 'warning' : 'bell'),
  recovered: () => 'white_check_mark',
  test: () => 'test_tube',
};

/**
 * A header value fetch accepts (ByteString) and ntfy reads: non-ASCII text is sent as an RFC 2047
 * encoded word, which the ntfy docs allow for any header.
 */
function headerText(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

export function renderNtfy(
  message: AlertMessage,
  origin: AlertOrigin,
): { body: string; headers: Record<string, string> } {
  const severity = message.kind === 'test' ? undefined : message.problem.severity;
  const priority =
    message.kind === 'opened' || message.kind === 'reminder' ? NTFY_PRIORITY[message.problem.severity] : '3';
  return {
    body: alertText(message, origin),
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: headerText(alertTitle(message, origin)),
      Priority: priority,
      Tags: NTFY_TAGS[message.kind](severity),
    },
  };
}
