import 'server-only';

import { redactText } from '../audit/redact';
import { elapsedSince, type DeliveryFailureReason, type DeliveryResult } from './delivery';
import { renderNtfy, renderWebhookJson, type AlertMessage, type AlertOrigin } from './messages';

/**
 * The webhook channel: one POST per message, bounded by ALERT_TIMEOUT_SECONDS from connect to the end of the
 * answer. The URL is a secret as a whole: ntfy's topic "is essentially a password", Slack's and Discord's
 * paths carry their token, and user:password may sit in it. So it is shown and logged as its origin only.
 */

export interface WebhookDelivery {
  url: string;
  format: 'json' | 'ntfy';
  timeoutMs: number;
}

/** The URL as the dashboard shows and logs it: scheme, host and port; the rest is hidden. */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
    return `${parsed.origin}${hidden ? '/…' : '/'}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * The parts of the URL that may be secret: its credentials, path segments and query values. A receiver's
 * answer or a network error may echo them ("topic mastodon-alerts-x7 not found"), so they are cut out of
 * every detail before it is returned, logged or audited.
 */
function secretParts(url: string): string[] {
  try {
    const parsed = new URL(url);
    const parts = [
      url,
      parsed.username,
      parsed.password,
      ...parsed.pathname.split('/'),
      ...[...parsed.searchParams.values()],
      parsed.search.slice(1),
    ].flatMap((part) => [part, safeDecode(part)]);
    // Longest first, so that a segment inside a longer part does not leave the rest of it behind.
    return [...new Set(parts)].filter((part) => part.length >= 3).sort((a, b) => b.length - a.length);
  } catch {
    return [url];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function withoutUrlParts(text: string, url: string, shown: string): string {
  let result = text.split(url).join(shown);
  for (const part of secretParts(url)) result = result.split(part).join('…');
  return redactText(result, 300);
}

/** fetch refuses URLs with credentials, so user:password@ becomes a Basic Authorization header. */
function requestTarget(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** undici's fetch failures: an abort from AbortSignal.timeout, or "fetch failed" with the cause beneath. */
export function webhookFailureReason(error: unknown): { reason: DeliveryFailureReason; cause: string } {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { reason: 'timeout', cause: 'no complete answer in time' };
  }
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = errorCode(cause);
  const text = cause instanceof Error ? cause.message : String(cause);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { reason: 'timeout', cause: text };
  if (code !== undefined && NETWORK_CODES.has(code)) return { reason: 'unreachable', cause: `${code}: ${text}` };
  if (code !== undefined && TLS_CODES.test(code)) return { reason: 'tls', cause: `${code}: ${text}` };
  return { reason: 'failed', cause: code ? `${code}: ${text}` : text };
}

function requestOf(format: WebhookDelivery['format'], message: AlertMessage, origin: AlertOrigin) {
  if (format === 'ntfy') return renderNtfy(message, origin);
  return {
    body: JSON.stringify(renderWebhookJson(message, origin)),
    headers: { 'Content-Type': 'application/json' },
  };
}

/** One attempt: resolves with the outcome within `timeoutMs`, never rejects. */
export async function sendWebhook(
  { url, format, timeoutMs }: WebhookDelivery,
  message: AlertMessage,
  origin: AlertOrigin,
): Promise<DeliveryResult> {
  const startedAt = performance.now();
  const shown = redactWebhookUrl(url);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const target = requestTarget(url);
    const { body, headers } = requestOf(format, message, origin);
    const response = await fetch(target.url, {
      method: 'POST',
      body,
      headers: {
        ...headers,
        'User-Agent': 'Mastodash-alerts',
        ...(target.authorization ? { Authorization: target.authorization } : {}),
      },
      // A redirect would carry the message (and for a same-origin one, the credentials) somewhere unreviewed.
      redirect: 'manual',
      signal,
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return { ok: true, channel: 'webhook', durationMs: elapsedSince(startedAt) };
    }
    const answer = (await response.text()).slice(0, 300).replace(/\s+/g, ' ').trim();
    return {
      ok: false,
      channel: 'webhook',
      reason: 'refused_by_webhook',
      status: response.status,
      detail: `${shown} answered ${response.status}${answer ? `: ${withoutUrlParts(answer, url, shown)}` : ''}`,
      durationMs: elapsedSince(startedAt),
    };
  } catch (error) {
    const { reason, cause } = webhookFailureReason(error);
    const detail = reason === 'timeout' ? `${shown} did not answer within ${timeoutMs / 1000} s` : `${shown}: ${cause}`;
    return {
      ok: false,
      channel: 'webhook',
      reason,
      // A failure message may echo the URL it was given; the full URL never leaves this function.
      detail: withoutUrlParts(detail, url, shown),
      durationMs: elapsedSince(startedAt),
    };
  }
}
