import 'server-only';

import type { AlertSettings, SmtpSecurity } from '../config';
import { text, type Text } from '../i18n/text';
import { elapsedSince, type ChannelKind, type DeliveryResult } from './delivery';
import { sendEmail, type EmailDelivery } from './email';
import type { AlertMessage, AlertOrigin } from './messages';
import { redactWebhookUrl, sendWebhook, type WebhookDelivery } from './webhook';

/** The configured channels: what the watcher sends to, and what the Alerts page shows (secrets hidden). */

export type AlertChannel = { kind: 'email'; delivery: EmailDelivery } | { kind: 'webhook'; delivery: WebhookDelivery };

export function alertChannels(alerts: AlertSettings): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (alerts.email) {
    channels.push({ kind: 'email', delivery: { ...alerts.email, timeoutMs: alerts.timeoutMs } });
  }
  if (alerts.webhook) {
    channels.push({ kind: 'webhook', delivery: { ...alerts.webhook, timeoutMs: alerts.timeoutMs } });
  }
  return channels;
}

/** "ad…@example.com": enough to recognise the address in the audit log and journald, not to harvest it. */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '…';
  return `${address.slice(0, Math.min(2, at))}…${address.slice(at)}`;
}

/** Who a channel delivers to, fit for the audit log and logs. */
export function channelTarget(channel: AlertChannel): string {
  if (channel.kind === 'email') return `email ${channel.delivery.to.map(maskEmailAddress).join(', ')}`;
  return `webhook ${redactWebhookUrl(channel.delivery.url)}`;
}

const MASK = '•••';
/** A query name shown as it is: a word, no digits (a token used as a bare name has them). */
const PLAIN_QUERY_NAME = /^[A-Za-z_][A-Za-z_-]{0,23}$/;

/**
 * The webhook URL as the Alerts page shows it: scheme, host and port as they are, so the admin recognises the
 * receiver; credentials, the path (ntfy's topic is its password, Slack and Discord keep their token there) and
 * query values masked, plain query names kept (`?token=•••`). The audit and the logs keep the origin only.
 */
export function maskWebhookUrl(url: string): string | Text {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text('alerts.channels.notUrl');
  }
  const credentials = parsed.username !== '' || parsed.password !== '' ? `${MASK}@` : '';
  const path = parsed.pathname === '/' ? '/' : `/${MASK}`;
  const query = [...parsed.searchParams.entries()].map(([name, value]) =>
    value !== '' && PLAIN_QUERY_NAME.test(name) ? `${name}=${MASK}` : MASK,
  );
  const search = parsed.search === '' ? '' : `?${query.join('&')}`;
  const fragment = parsed.hash === '' ? '' : `#${MASK}`;
  return `${parsed.protocol}//${credentials}${parsed.host}${path}${search}${fragment}`;
}

export interface ChannelView {
  kind: ChannelKind;
  /** "E-mail" or "Webhook (ntfy)". */
  label: Text;
  /** Label and value pairs, none of them secret; `id` keys the row. */
  facts: { id: string; label: Text; value: Text | string }[];
}

const SECURITY_WORDS: Record<SmtpSecurity, Text> = {
  implicit: text('alerts.channels.security.implicit'),
  always: text('alerts.channels.security.always'),
  auto: text('alerts.channels.security.auto'),
  never: text('alerts.channels.security.never'),
};

function fact(id: keyof typeof FACT_LABELS, value: Text | string): ChannelView['facts'][number] {
  return { id, label: FACT_LABELS[id], value };
}

const FACT_LABELS = {
  to: text('alerts.channels.facts.to'),
  from: text('alerts.channels.facts.from'),
  smtpServer: text('alerts.channels.facts.smtpServer'),
  encryption: text('alerts.channels.facts.encryption'),
  certificateCheck: text('alerts.channels.facts.certificateCheck'),
  login: text('alerts.channels.facts.login'),
  url: text('alerts.channels.facts.url'),
  format: text('alerts.channels.facts.format'),
};

/** For the Alerts page: every configured channel with its settings, the password and URL hidden. */
export function channelViews(alerts: AlertSettings): ChannelView[] {
  return alertChannels(alerts).map((channel): ChannelView => {
    if (channel.kind === 'email') {
      const { smtp, to } = channel.delivery;
      return {
        kind: 'email',
        label: text('alerts.channels.email'),
        facts: [
          fact('to', to.join(', ')),
          fact('from', smtp.from),
          fact('smtpServer', `${smtp.host}:${smtp.port}`),
          fact('encryption', SECURITY_WORDS[smtp.security]),
          fact(
            'certificateCheck',
            text(smtp.verifyCertificate ? 'alerts.channels.certificate.yes' : 'alerts.channels.certificate.no'),
          ),
          fact(
            'login',
            smtp.auth
              ? text('alerts.channels.loginSet', { user: smtp.auth.user, method: smtp.auth.method })
              : text('alerts.channels.loginNone'),
          ),
        ],
      };
    }
    const { url, format } = channel.delivery;
    return {
      kind: 'webhook',
      label: text('alerts.channels.webhook', { format }),
      facts: [
        fact('url', maskWebhookUrl(url)),
        fact('format', text(format === 'ntfy' ? 'alerts.channels.formatNtfy' : 'alerts.channels.formatJson')),
      ],
    };
  });
}

/** One attempt on one channel. Never rejects, whatever a sender does. */
export async function deliverOnce(
  channel: AlertChannel,
  message: AlertMessage,
  origin: AlertOrigin,
): Promise<DeliveryResult> {
  const startedAt = performance.now();
  try {
    return channel.kind === 'email'
      ? await sendEmail(channel.delivery, message, origin)
      : await sendWebhook(channel.delivery, message, origin);
  } catch (error) {
    console.error(`[alerts] ${channelTarget(channel)}: unexpected error`, error);
    return {
      ok: false,
      channel: channel.kind,
      reason: 'failed',
      detail: 'unexpected error; the dashboard log has it',
      durationMs: elapsedSince(startedAt),
    };
  }
}
