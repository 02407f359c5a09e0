import 'server-only';

/**
 * What an alert says, once, and how each channel shows it: the e-mail's subject and text, the documented JSON
 * body (README, "Alerts") and ntfy's plain text with its Title, Priority and Tags headers
 * (docs.ntfy.sh/publish: "Message title", "Message priority", "Tags & emojis").
 */

export type AlertSeverity = 'critical' | 'warning' | 'info';

/** A problem as the watcher hands it over: what the detector found, in words, and its fix. */
export interface AlertProblem {
  /** Stable per problem (detector id and subject), so a receiver can pair a recovery with its opening. */
  id: string;
  severity: AlertSeverity;
  /** One line: "web exited (code 1)". */
  title: string;
  /** One line of evidence: what was read, and when. */
  evidence: string;
  /** The button to press or the exact command to run. */
  fix?: string;
  since: Date;
}

export type AlertMessage =
  | { kind: 'opened' | 'reminder'; problem: AlertProblem; at: Date }
  | { kind: 'recovered'; problem: AlertProblem; endedAt: Date; at: Date }
  | { kind: 'test'; at: Date };

export type AlertKind = AlertMessage['kind'];

/** Where the message comes from: Mastodon's LOCAL_DOMAIN, when known. */
export interface AlertOrigin {
  instance?: string;
}

const SEVERITY_WORD: Record<AlertSeverity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

function instanceSuffix(origin: AlertOrigin): string {
  return origin.instance ? ` (${origin.instance})` : '';
}

/** The one-line title: the e-mail's subject after its tag, ntfy's Title, the JSON body's `title`. */
export function alertTitle(message: AlertMessage, origin: AlertOrigin): string {
  const where = instanceSuffix(origin);
  switch (message.kind) {
    case 'opened':
      return `${SEVERITY_WORD[message.problem.severity]}: ${message.problem.title}${where}`;
    case 'reminder':
      return `Still ${SEVERITY_WORD[message.problem.severity].toLowerCase()}: ${message.problem.title}${where}`;
    case 'recovered':
      return `Recovered: ${message.problem.title}${where}`;
    case 'test':
      return `Test message from Mastodash${where}`;
  }
}

function durationWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** The plain text body: the e-mail's text and ntfy's message. */
export function alertText(message: AlertMessage, origin: AlertOrigin): string {
  if (message.kind === 'test') {
    return (
      `This is a test message from Mastodash${instanceSuffix(origin)}, sent at ${message.at.toISOString()}.\n` +
      'If you read it, alerts reach you on this channel.'
    );
  }
  const { problem } = message;
  const lines = [problem.title, '', `Evidence: ${problem.evidence}`];
  if (message.kind === 'recovered') {
    const lasted = durationWords(message.endedAt.getTime() - problem.since.getTime());
    lines.push(`Ended at ${message.endedAt.toISOString()}, after ${lasted}.`);
  } else {
    lines.push(
      `Since ${problem.since.toISOString()} (${durationWords(message.at.getTime() - problem.since.getTime())}).`,
    );
    if (problem.fix) lines.push(`Fix: ${problem.fix}`);
  }
  lines.push('', `Severity: ${problem.severity}. Problem id: ${problem.id}.`);
  return lines.join('\n');
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

export function renderEmail(message: AlertMessage, origin: AlertOrigin): RenderedEmail {
  return { subject: `[Mastodash] ${alertTitle(message, origin)}`, text: alertText(message, origin) };
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
    title: string;
    evidence: string;
    fix: string | null;
    since: string;
    endedAt: string | null;
  } | null;
}

export function renderWebhookJson(message: AlertMessage, origin: AlertOrigin): WebhookJsonBody {
  return {
    version: 1,
    kind: message.kind,
    title: alertTitle(message, origin),
    text: alertText(message, origin),
    instance: origin.instance ?? null,
    sentAt: message.at.toISOString(),
    problem:
      message.kind === 'test'
        ? null
        : {
            id: message.problem.id,
            severity: message.problem.severity,
            title: message.problem.title,
            evidence: message.problem.evidence,
            fix: message.problem.fix ?? null,
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
