import 'server-only';

import { channelTarget, type AlertChannel } from './channels';
import type { DeliveryFailure, DeliveryResult } from './delivery';
import type { AlertMessage } from './messages';
import type { DeliveryAttempt } from './audit-delivery';

/**
 * Deliveries with retries, in memory. Each channel has its own line, delivered in order, so that a recovery
 * never arrives before the alert it ends; a failed head is tried again after the next back-off step, and
 * given up after the last. A restart of the dashboard forgets the line: the watcher finds the problems again.
 */

/** Waits before the 2nd, 3rd, … attempt: 7 attempts over about 49 minutes. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
export const DEFAULT_MAX_PENDING = 100;

export interface DeliveryQueueOptions {
  deliver: (channel: AlertChannel, message: AlertMessage) => Promise<DeliveryResult>;
  /** Called after every attempt (the audit record); must not throw. */
  record: (attempt: DeliveryAttempt) => void;
  backoffMs?: readonly number[];
  /** Per channel; beyond it the oldest waiting message is dropped and counted. */
  maxPending?: number;
}

export interface DeliveryQueueStats {
  /** Messages waiting or being tried, over all channels. */
  pending: number;
  delivered: number;
  /** Delivered after at least one failed attempt: the deliveries "after recovery" of the receiver. */
  deliveredAfterRetry: number;
  failedAttempts: number;
  /** Given up after the last back-off step. */
  abandoned: number;
  /** Pushed out by a full line. */
  dropped: number;
}

interface Job {
  channel: AlertChannel;
  message: AlertMessage;
  attempts: number;
  lastFailure?: DeliveryFailure;
  resolve: (result: DeliveryResult) => void;
}

interface Line {
  jobs: Job[];
  busy: boolean;
  timer?: NodeJS.Timeout;
}

function stoppedResult(job: Job): DeliveryFailure {
  return (
    job.lastFailure ?? {
      ok: false,
      channel: job.channel.kind,
      reason: 'failed',
      detail: 'the dashboard stopped before this message was sent',
      durationMs: 0,
    }
  );
}

export class DeliveryQueue {
  private readonly lines = new Map<string, Line>();
  private readonly backoffMs: readonly number[];
  private readonly maxPending: number;
  private stopped = false;
  private readonly counts = { delivered: 0, deliveredAfterRetry: 0, failedAttempts: 0, abandoned: 0, dropped: 0 };

  constructor(private readonly options: DeliveryQueueOptions) {
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  }

  /** Resolves with the final outcome: delivered, or the last failure once retries are exhausted. */
  enqueue(channel: AlertChannel, message: AlertMessage): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      const job: Job = { channel, message, attempts: 0, resolve };
      if (this.stopped) {
        resolve(stoppedResult(job));
        return;
      }
      const key = channelTarget(channel);
      const line = this.lines.get(key) ?? { jobs: [], busy: false };
      this.lines.set(key, line);
      line.jobs.push(job);
      // The head may be mid-attempt or waiting for its retry; the oldest waiting one behind it makes room.
      if (line.jobs.length > this.maxPending) {
        const [dropped] = line.jobs.splice(1, 1);
        this.counts.dropped++;
        dropped?.resolve({
          ok: false,
          channel: channel.kind,
          reason: 'failed',
          detail: `dropped: more than ${this.maxPending} messages waited for this channel`,
          durationMs: 0,
        });
      }
      this.pump(line);
    });
  }

  stats(): DeliveryQueueStats {
    let pending = 0;
    for (const line of this.lines.values()) pending += line.jobs.length;
    return { pending, ...this.counts };
  }

  /** Stops retrying: waiting messages resolve with their last failure. An attempt in flight still finishes. */
  stop(): void {
    this.stopped = true;
    for (const line of this.lines.values()) {
      clearTimeout(line.timer);
      line.timer = undefined;
      for (const job of line.jobs.splice(line.busy ? 1 : 0)) job.resolve(stoppedResult(job));
    }
  }

  private pump(line: Line): void {
    if (this.stopped || line.busy || line.timer || line.jobs.length === 0) return;
    const job = line.jobs[0]!;
    line.busy = true;
    void this.attempt(line, job);
  }

  private async attempt(line: Line, job: Job): Promise<void> {
    job.attempts++;
    const result = await this.options.deliver(job.channel, job.message);
    line.busy = false;
    const retryInMs = result.ok || this.stopped ? undefined : this.backoffMs[job.attempts - 1];
    this.options.record({ channel: job.channel, message: job.message, result, attempt: job.attempts, retryInMs });
    if (result.ok) {
      this.counts.delivered++;
      if (job.attempts > 1) this.counts.deliveredAfterRetry++;
      this.finish(line, job, result);
      return;
    }
    this.counts.failedAttempts++;
    job.lastFailure = result;
    if (retryInMs === undefined) {
      if (!this.stopped) this.counts.abandoned++;
      this.finish(line, job, result);
      return;
    }
    line.timer = setTimeout(() => {
      line.timer = undefined;
      this.pump(line);
    }, retryInMs);
    line.timer.unref();
  }

  private finish(line: Line, job: Job, result: DeliveryResult): void {
    if (line.jobs[0] === job) line.jobs.shift();
    job.resolve(result);
    this.pump(line);
  }
}
