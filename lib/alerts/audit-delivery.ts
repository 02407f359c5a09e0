import 'server-only';

import { auditEvent } from '../audit';
import { channelTarget, type AlertChannel } from './channels';
import type { DeliveryResult } from './delivery';
import type { AlertMessage } from './messages';

/** Who sent: the watcher, or the admin who pressed "Send a test message". */
export const ALERT_WATCHER_ACTOR = 'alerts';

export interface DeliveryAttempt {
  channel: AlertChannel;
  message: AlertMessage;
  result: DeliveryResult;
  /** 1 for the first attempt. */
  attempt: number;
  /** When a failed attempt will be tried again; absent: it will not. */
  retryInMs?: number;
  actor?: string;
  session?: string;
}

/**
 * Records one attempt as `alert.sent` or `alert.failed`: the channel with its recipient masked or URL reduced
 * to its origin, the message's kind and problem id, the reason. Never throws: an alert that cannot be
 * audited is still an alert (the failure goes to stderr). Returns the record's id when it was written.
 */
export function auditDelivery(attempt: DeliveryAttempt): number | undefined {
  const { channel, message, result } = attempt;
  try {
    return auditEvent({
      actor: attempt.actor ?? ALERT_WATCHER_ACTOR,
      session: attempt.session,
      action: result.ok ? 'alert.sent' : 'alert.failed',
      target: channelTarget(channel),
      params: {
        channel: channel.kind,
        message: message.kind,
        ...(message.kind === 'test' ? {} : { problem: message.problem.id }),
        attempt: attempt.attempt,
        ...(result.ok ? {} : { reason: result.reason }),
        ...(!result.ok && result.status !== undefined ? { status: result.status } : {}),
        ...(attempt.retryInMs !== undefined ? { retryInSeconds: Math.round(attempt.retryInMs / 1000) } : {}),
      },
      outcome: result.ok ? 'succeeded' : 'failed',
      error: result.ok ? undefined : result.detail,
      durationMs: result.durationMs,
    });
  } catch (error) {
    console.error(
      `[alerts] cannot audit ${result.ok ? 'alert.sent' : 'alert.failed'} for ${channelTarget(channel)}: ` +
        (error instanceof Error ? error.message : String(error)),
    );
    return undefined;
  }
}
