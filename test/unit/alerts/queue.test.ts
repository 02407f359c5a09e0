import { describe, expect, it } from 'vitest';

import type { AlertMessage } from '@/lib/alerts';
import type { DeliveryAttempt } from '@/lib/alerts/audit-delivery';
import type { AlertChannel } from '@/lib/alerts/channels';
import type { DeliveryResult } from '@/lib/alerts/delivery';
import { DeliveryQueue } from '@/lib/alerts/queue';

const channel: AlertChannel = {
  kind: 'webhook',
  delivery: { url: 'http://127.0.0.1:9/t', format: 'json', timeoutMs: 1000 },
};

function message(id: string, kind: 'opened' | 'recovered' = 'opened'): AlertMessage {
  const problem = { id, severity: 'critical' as const, title: id, evidence: 'e', since: new Date(0) };
  return kind === 'opened'
    ? { kind, problem, at: new Date(0) }
    : { kind, problem, endedAt: new Date(1), at: new Date(1) };
}

const failed: DeliveryResult = { ok: false, channel: 'webhook', reason: 'unreachable', detail: 'down', durationMs: 0 };
const sent: DeliveryResult = { ok: true, channel: 'webhook', durationMs: 0 };

/** A receiver that is down for the first `downFor` attempts, and records what reached it. */
function flakyReceiver(downFor: number) {
  const arrived: string[] = [];
  let attempts = 0;
  return {
    arrived,
    deliver: (_channel: AlertChannel, alert: AlertMessage): Promise<DeliveryResult> => {
      attempts++;
      if (attempts <= downFor) return Promise.resolve(failed);
      arrived.push(`${alert.kind}:${alert.kind === 'test' ? '' : alert.problem.id}`);
      return Promise.resolve(sent);
    },
  };
}

describe('DeliveryQueue', () => {
  it('retries after each back-off step and keeps a channel’s messages in order', async () => {
    const receiver = flakyReceiver(2);
    const attempts: DeliveryAttempt[] = [];
    const queue = new DeliveryQueue({
      deliver: receiver.deliver,
      record: (a) => attempts.push(a),
      backoffMs: [5, 10, 20],
    });
    const results = await Promise.all([
      queue.enqueue(channel, message('web')),
      queue.enqueue(channel, message('web', 'recovered')),
    ]);
    expect(results).toEqual([sent, sent]);
    expect(receiver.arrived).toEqual(['opened:web', 'recovered:web']);
    expect(attempts.map((a) => [a.message.kind, a.attempt, a.result.ok, a.retryInMs])).toEqual([
      ['opened', 1, false, 5],
      ['opened', 2, false, 10],
      ['opened', 3, true, undefined],
      ['recovered', 1, true, undefined],
    ]);
    expect(queue.stats()).toEqual({
      pending: 0,
      delivered: 2,
      deliveredAfterRetry: 1,
      failedAttempts: 2,
      abandoned: 0,
      dropped: 0,
    });
  });

  it('gives up after the last back-off step with the last failure', async () => {
    const receiver = flakyReceiver(Number.POSITIVE_INFINITY);
    const attempts: DeliveryAttempt[] = [];
    const queue = new DeliveryQueue({ deliver: receiver.deliver, record: (a) => attempts.push(a), backoffMs: [1, 1] });
    expect(await queue.enqueue(channel, message('db'))).toEqual(failed);
    expect(attempts).toHaveLength(3);
    expect(attempts.at(-1)?.retryInMs).toBeUndefined();
    expect(queue.stats()).toMatchObject({ pending: 0, delivered: 0, failedAttempts: 3, abandoned: 1 });
  });

  it('bounds a channel’s line, dropping the oldest waiting message and counting it', async () => {
    const receiver = flakyReceiver(1);
    const queue = new DeliveryQueue({
      deliver: receiver.deliver,
      record: () => undefined,
      backoffMs: [5],
      maxPending: 2,
    });
    const first = queue.enqueue(channel, message('a'));
    const second = queue.enqueue(channel, message('b'));
    const third = queue.enqueue(channel, message('c'));
    expect(await second).toMatchObject({ ok: false, reason: 'failed', detail: expect.stringMatching(/^dropped/) });
    expect(await first).toEqual(sent);
    expect(await third).toEqual(sent);
    expect(receiver.arrived).toEqual(['opened:a', 'opened:c']);
    expect(queue.stats()).toMatchObject({ dropped: 1, delivered: 2 });
  });

  it('stops retrying when stopped: waiting messages resolve with their last failure', async () => {
    const receiver = flakyReceiver(Number.POSITIVE_INFINITY);
    const queue = new DeliveryQueue({ deliver: receiver.deliver, record: () => undefined, backoffMs: [60_000] });
    const waiting = queue.enqueue(channel, message('x'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    queue.stop();
    expect(await waiting).toEqual(failed);
    expect(queue.stats()).toMatchObject({ pending: 0, abandoned: 0 });
  });
});
