import 'server-only';

import { listAudit, type AuditRecordView, type JsonObject } from '../audit';
import { getConfig, type Config } from '../config';
import { AppError, toErrorView, type ErrorView } from '../errors';
import { text, type Text } from '../i18n/text';
import {
  alertChannels,
  alertQueueStats,
  alertWatcherRunning,
  configuredChannels,
  DELIVERY_FAILURE_LABELS,
  DELIVERY_FAILURE_REASONS,
  sendTestMessage,
  type AlertChannel,
  type AlertProblem,
  type ChannelKind,
  type ChannelView,
  type DeliveryFailureReason,
  type DeliveryQueueStats,
  type DeliveryResult,
} from './index';
import { openAlertProblems } from './watcher';

/**
 * What the Alerts page shows (README, "Alerts"): the channels with their secrets hidden, the answer of a test
 * message in plain words, the problems the watcher has announced, and the history of deliveries from the audit log.
 */

/** One delivery's answer for the page: a sentence first, then the receiver's words and what to check. */
export interface DeliveryOutcomeView {
  channel: ChannelKind;
  ok: boolean;
  /** "Delivered in 40 ms.", "The SMTP server refused the login.", "Could not connect to smtp.example:587." */
  headline: Text;
  reason?: DeliveryFailureReason;
  /** The receiver's answer or the network error, secrets already cut out by the sender. */
  detail?: string;
  fix?: Text;
}

/** Where a channel connects to, fit for the page: host and port; a webhook's path and credentials stay hidden. */
export function channelAddress(channel: AlertChannel): string | Text {
  if (channel.kind === 'email') return `${channel.delivery.smtp.host}:${channel.delivery.smtp.port}`;
  try {
    const url = new URL(channel.delivery.url);
    return url.port ? url.host : `${url.hostname}:${url.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return text('alerts.delivery.theWebhook');
  }
}

/** Pure: one result in the words the issue asks for (a refused login, no connection, the HTTP status, the timeout). */
export function describeDelivery(
  result: DeliveryResult,
  address: string | Text | undefined,
  timeoutMs: number,
): DeliveryOutcomeView {
  if (result.ok) {
    return {
      channel: result.channel,
      ok: true,
      headline: text('alerts.delivery.delivered', { ms: result.durationMs }),
    };
  }
  const label = DELIVERY_FAILURE_LABELS[result.reason];
  const sentence = text('alerts.delivery.sentence', { title: label.title });
  const headline = ((): Text => {
    switch (result.reason) {
      case 'unreachable':
        return address ? text('alerts.delivery.couldNotConnect', { address }) : sentence;
      case 'refused_by_webhook':
        return result.status === undefined
          ? sentence
          : text('alerts.delivery.webhookStatus', { status: String(result.status) });
      case 'timeout':
        return text('alerts.delivery.timedOut', { seconds: timeoutMs / 1000 });
      default:
        return sentence;
    }
  })();
  return { channel: result.channel, ok: false, headline, reason: result.reason, detail: result.detail, fix: label.fix };
}

/** "Send a test message" on one channel: one attempt, audited as alert.sent or alert.failed by the admin. */
export async function sendTestMessageFor(
  kind: ChannelKind,
  by: { actor: string; session?: string },
  config: Config = getConfig(),
): Promise<DeliveryOutcomeView> {
  const channel = alertChannels(config.alerts).find((candidate) => candidate.kind === kind);
  const result = await sendTestMessage(kind, by, config);
  return describeDelivery(result, channel ? channelAddress(channel) : undefined, config.alerts.timeoutMs);
}

/** One alert.sent or alert.failed row of the audit log. */
export interface AlertHistoryEntry {
  id: number;
  at: string;
  /** `alerts` for the watcher, the admin's name for a test message. */
  actor: string | null;
  channel: string;
  /** `email ad…@example.com` or `webhook https://ntfy.example.net/…`, as audited. */
  target: string | null;
  /** opened, reminder, recovered or test. */
  message: string;
  problem?: string;
  attempt?: number;
  delivered: boolean;
  /** The reason in words, for a failed attempt (an unknown reason as audited). */
  reason?: Text | string;
  detail?: string;
  retryInSeconds?: number;
}

function param(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}

function count(params: JsonObject, key: string): number | undefined {
  const value = params[key];
  return typeof value === 'number' ? value : undefined;
}

function isReason(value: string | undefined): value is DeliveryFailureReason {
  return (DELIVERY_FAILURE_REASONS as readonly string[]).includes(value ?? '');
}

export function historyEntry(record: AuditRecordView): AlertHistoryEntry {
  const { params } = record;
  const reason = param(params, 'reason');
  const problem = param(params, 'problem');
  const attempt = count(params, 'attempt');
  const retryInSeconds = count(params, 'retryInSeconds');
  const delivered = record.action === 'alert.sent';
  return {
    id: record.id,
    at: record.startedAt,
    actor: record.actor,
    channel: param(params, 'channel') ?? '?',
    target: record.target,
    message: param(params, 'message') ?? '?',
    ...(problem === undefined ? {} : { problem }),
    ...(attempt === undefined ? {} : { attempt }),
    delivered,
    ...(delivered
      ? {}
      : {
          reason: isReason(reason) ? DELIVERY_FAILURE_LABELS[reason].title : (reason ?? text('alerts.history.failed')),
        }),
    ...(record.error === null ? {} : { detail: record.error }),
    ...(retryInSeconds === undefined ? {} : { retryInSeconds }),
  };
}

export const HISTORY_LIMIT = 50;

/** The newest deliveries, both outcomes merged by id, through the audit log's one reader. */
export function alertHistory(limit: number = HISTORY_LIMIT): AlertHistoryEntry[] {
  const records = [...listAudit({ action: 'alert.sent', limit }), ...listAudit({ action: 'alert.failed', limit })];
  return records
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
    .map(historyEntry);
}

export interface AlertsOverview {
  channels: ChannelView[];
  timeoutSeconds: number;
  watcher: { running: boolean; intervalSeconds: number; afterSeconds: number; repeatHours: number };
  /** Announced by the watcher and not recovered; empty when it does not run. */
  problems: AlertProblem[];
  /** Undefined while nothing was queued in this process. */
  queue?: DeliveryQueueStats;
  history: { ok: true; entries: AlertHistoryEntry[] } | { ok: false; error: ErrorView };
}

export function readAlertsOverview(config: Config = getConfig()): AlertsOverview {
  let history: AlertsOverview['history'];
  try {
    history = { ok: true, entries: alertHistory() };
  } catch (error) {
    if (!(error instanceof AppError)) console.error('[alerts page]', error);
    history = { ok: false, error: toErrorView(error) };
  }
  const { alerts } = config;
  const queue = alertQueueStats();
  return {
    channels: configuredChannels(config),
    timeoutSeconds: alerts.timeoutMs / 1000,
    watcher: {
      running: alertWatcherRunning(),
      intervalSeconds: alerts.intervalMs / 1000,
      afterSeconds: alerts.afterMs / 1000,
      repeatHours: alerts.repeatMs / 3_600_000,
    },
    problems: openAlertProblems(),
    ...(queue ? { queue } : {}),
    history,
  };
}
