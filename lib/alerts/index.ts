import 'server-only';

import { getConfig, type Config } from '../config';
import { dropProcessSingleton, existingProcessSingleton, processSingleton } from '../process/singleton';
import { auditDelivery } from './audit-delivery';
import { alertChannels, channelViews, deliverOnce, type AlertChannel, type ChannelView } from './channels';
import type { ChannelKind, DeliveryResult } from './delivery';
import type { AlertMessage, AlertOrigin } from './messages';
import { DeliveryQueue, type DeliveryQueueStats } from './queue';
import { ALERT_WATCHER_SLOT } from './shutdown';

/**
 * The alert channels as the watcher and the Alerts page call them (docs/design.md, "Alerts"). Every function
 * here resolves, never rejects: a broken channel is a result to show, never a stopped dashboard.
 */

export type { AlertMessage, AlertOrigin, AlertProblem, AlertSeverity } from './messages';
export type { ChannelKind, DeliveryFailureReason, DeliveryResult } from './delivery';
export { DELIVERY_FAILURE_LABELS, DELIVERY_FAILURE_REASONS } from './delivery';
export type { AlertChannel, ChannelView } from './channels';
export { alertChannels } from './channels';
export type { DeliveryQueueStats } from './queue';
export { DeliveryQueue } from './queue';
export { auditDelivery, ALERT_WATCHER_ACTOR } from './audit-delivery';

export function alertOrigin(config: Config = getConfig()): AlertOrigin {
  return { instance: config.mastodon.localDomain, locale: config.alerts.locale };
}

/** True when at least one channel is configured: the watcher runs only then. */
export function alertsConfigured(config: Config = getConfig()): boolean {
  return alertChannels(config.alerts).length > 0;
}

/** The configured channels for display, secrets hidden. */
export function configuredChannels(config: Config = getConfig()): ChannelView[] {
  return channelViews(config.alerts);
}

/**
 * "Send a test message": one attempt on one channel, without retries (the admin is waiting for the
 * answer), audited under the admin's name.
 */
export async function sendTestMessage(
  kind: ChannelKind,
  by: { actor: string; session?: string },
  config: Config = getConfig(),
): Promise<DeliveryResult> {
  const channel = alertChannels(config.alerts).find((candidate) => candidate.kind === kind);
  if (!channel) {
    return {
      ok: false,
      channel: kind,
      reason: 'not_configured',
      detail: kind === 'email' ? 'ALERT_EMAIL_TO is not set' : 'ALERT_WEBHOOK_URL is not set',
      durationMs: 0,
    };
  }
  const message: AlertMessage = { kind: 'test', at: new Date() };
  const result = await deliverOnce(channel, message, alertOrigin(config));
  auditDelivery({ channel, message, result, attempt: 1, actor: by.actor, session: by.session });
  return result;
}

/** The process's delivery queue, with the configured channels' senders and the audit. */
export function alertQueue(): DeliveryQueue {
  return processSingleton('alertQueue', () => {
    const origin = alertOrigin();
    return new DeliveryQueue({
      deliver: (channel, message) => deliverOnce(channel, message, origin),
      record: auditDelivery,
    });
  });
}

/** The queue's counts, without making a queue: undefined while nothing was queued in this process. */
export function alertQueueStats(): DeliveryQueueStats | undefined {
  return existingProcessSingleton<DeliveryQueue>('alertQueue')?.stats();
}

/** Whether the watcher runs in this process (the launcher starts it when a channel is configured). */
export function alertWatcherRunning(): boolean {
  return existingProcessSingleton(ALERT_WATCHER_SLOT) !== undefined;
}

/** At shutdown (and in tests): stops retrying; waiting messages resolve with their last failure. */
export function stopAlertQueue(): void {
  existingProcessSingleton<DeliveryQueue>('alertQueue')?.stop();
  dropProcessSingleton('alertQueue');
}

/** Hands one message to every configured channel; each resolves on its own (delivered, or given up). */
export function sendAlert(message: AlertMessage, config: Config = getConfig()): Promise<DeliveryResult[]> {
  const queue = alertQueue();
  return Promise.all(alertChannels(config.alerts).map((channel: AlertChannel) => queue.enqueue(channel, message)));
}
