import 'server-only';

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

/** Words for the Alerts page: what the reason means, and what to check. */
export const DELIVERY_FAILURE_LABELS: Record<DeliveryFailureReason, { title: string; fix: string }> = {
  not_configured: {
    title: 'This channel is not configured',
    fix: "Set ALERT_EMAIL_TO (e-mail through Mastodon's SMTP server) or ALERT_WEBHOOK_URL, then restart the dashboard.",
  },
  auth_refused: {
    title: 'The SMTP server refused the login',
    fix:
      "Check SMTP_LOGIN, SMTP_PASSWORD and SMTP_AUTH_METHOD in Mastodon's .env.production " +
      "(Mastodon's own mail fails too).",
  },
  unreachable: {
    title: 'Nothing answered',
    fix: 'Check the host and port (SMTP_SERVER, SMTP_PORT or ALERT_WEBHOOK_URL), and that this server may reach them.',
  },
  tls: {
    title: 'The secure connection failed',
    fix:
      "Check that the server's certificate is valid for its name; SMTP_OPENSSL_VERIFY_MODE, SMTP_ENABLE_STARTTLS, " +
      'SMTP_TLS and SMTP_CA_FILE say how Mastodon connects.',
  },
  refused_by_server: {
    title: 'The SMTP server refused the message',
    fix: 'Check that SMTP_FROM_ADDRESS may send through this server and that ALERT_EMAIL_TO is a valid address.',
  },
  refused_by_webhook: {
    title: 'The webhook refused the message',
    fix: 'Check ALERT_WEBHOOK_URL (topic, token) and ALERT_WEBHOOK_FORMAT; the status says what the receiver disliked.',
  },
  timeout: {
    title: 'No answer in time',
    fix: 'The receiver accepted the connection but did not finish within ALERT_TIMEOUT_SECONDS.',
  },
  failed: {
    title: 'The delivery failed',
    fix: 'The detail says what the receiver answered; the dashboard log has the same line.',
  },
};

export function elapsedSince(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}
