import 'server-only';

import { text, type Text } from '../i18n/text';

/**
 * The outcome of one delivery attempt. Senders never throw: every failure is one of these reasons, with a
 * detail that names the server's answer (redacted) and a fix the Alerts page can show.
 */

export const DELIVERY_FAILURE_REASONS = [
  /** The channel is not configured (no ALERT_EMAIL_TO, or no ALERT_WEBHOOK_URL). */
  'not_configured',
  /** The SMTP server refused the login (535, or no AUTH offered where one was needed). */
  'auth_refused',
  /** Nothing answered: connection refused, no route, the name does not resolve, the connection dropped. */
  'unreachable',
  /** The TLS handshake or STARTTLS failed: certificate not trusted, wrong name, STARTTLS required but absent. */
  'tls',
  /** The SMTP server refused the sender, a recipient or the message. */
  'refused_by_server',
  /** The webhook answered with a status other than 2xx (the status is in `status`). */
  'refused_by_webhook',
  /** The attempt took longer than ALERT_TIMEOUT_SECONDS. */
  'timeout',
  /** Anything else: the server spoke something unexpected, or a bug; the detail says what. */
  'failed',
] as const;

export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number];

export type ChannelKind = 'email' | 'webhook';

export type DeliveryResult =
  | { ok: true; channel: ChannelKind; durationMs: number }
  | {
      ok: false;
      channel: ChannelKind;
      reason: DeliveryFailureReason;
      /** What happened, without secrets: the server's reply or the network error. */
      detail: string;
      /** The webhook's HTTP status, for refused_by_webhook. */
      status?: number;
      durationMs: number;
    };

export type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

/** Words for the Alerts page: what the reason means, and what to check (alerts.delivery.reasons.*). */
export const DELIVERY_FAILURE_LABELS: Record<DeliveryFailureReason, { title: Text; fix: Text }> = Object.fromEntries(
  DELIVERY_FAILURE_REASONS.map((reason) => [
    reason,
    {
      title: text(`alerts.delivery.reasons.${reason}.title`),
      fix: text(`alerts.delivery.reasons.${reason}.fix`),
    },
  ]),
) as Record<DeliveryFailureReason, { title: Text; fix: Text }>;

export function elapsedSince(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}
