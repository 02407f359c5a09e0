import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { auditDelivery, DeliveryQueue, type AlertMessage } from '@/lib/alerts';
import { alertChannels, deliverOnce } from '@/lib/alerts/channels';
import { ALERT_WATCHER_SLOT, stopAlertWatcher } from '@/lib/alerts/shutdown';
import { AlertWatcher, startAlertWatcher } from '@/lib/alerts/watcher';
import { NOT_LOOKED, type Detector, type Found } from '@/lib/attention/detector';
import { runDetectors } from '@/lib/attention/run';
import { loadConfig } from '@/lib/config';
import { liveTopics } from '@/lib/live';
import { text } from '@/lib/i18n/text';
import { existingProcessSingleton } from '@/lib/process/singleton';
import { setUpAlertReceivers } from '@/test/support/alert-receivers';

import { useTempStore } from '../audit/store';
import { auditRows } from './secrets-watch';

/**
 * The watcher's decisions through the real channel path: detectors run by the registry's runner, the state
 * machine on an injected clock, the delivery queue, nodemailer to a real SMTP server (STARTTLS, AUTH) and fetch
 * to a real HTTP receiver, each attempt audited.
 */

const USER = 'mastodon@social.example';
const PASSWORD = 'smtp-S3cret-w4tch';
const AFTER_SECONDS = 120;

const receivers = setUpAlertReceivers({ user: USER, password: PASSWORD });
let temp: ReturnType<typeof useTempStore>;

beforeEach(() => {
  temp = useTempStore();
});

afterEach(() => temp.cleanup());

function channelsConfig() {
  const file = [
    'LOCAL_DOMAIN=social.example',
    'SMTP_SERVER=127.0.0.1',
    `SMTP_PORT=${receivers.smtp.port}`,
    `SMTP_LOGIN=${USER}`,
    `SMTP_PASSWORD="${PASSWORD}"`,
    'SMTP_FROM_ADDRESS="Mastodon <notifications@social.example>"',
    `SMTP_CA_FILE=${receivers.certificate.certFile}`,
  ].join('\n');
  return loadConfig({
    env: {
      MASTODON_DIR: '/srv/mastodon',
      ALERT_EMAIL_TO: 'admin@example.com',
      ALERT_WEBHOOK_URL: `${receivers.webhook.url}/mastodon-alerts`,
      ALERT_AFTER_SECONDS: String(AFTER_SECONDS),
      ALERT_TIMEOUT_SECONDS: '5',
    },
    readFile: (path) => (path.endsWith('.env.production') ? file : receivers.certificate.cert),
  });
}

/** A containers detector whose answer the test sets, as Docker's would change. */
function containersDetector(answer: { findings: Found[] }): Detector {
  return {
    id: 'containers',
    subject: text('attention.subjects.containers'),
    severity: 'critical',
    reads: 'the test',
    recheck: { kind: 'docker-events', events: ['die', 'start'] },
    timeoutMs: 1_000,
    detect: () => Promise.resolve(answer.findings),
  };
}

const webStopped: Found = {
  key: 'container.stopped:mdtest-web-1',
  title: 'web is stopped',
  evidence: 'docker inspect: exited (0)',
  fix: { kind: 'restart', container: 'mdtest-web-1', service: 'web' },
};

function watcherOnRealChannels(answer: { findings: Found[] }, clock: { nowMs: number }) {
  const config = channelsConfig();
  const origin = { instance: config.mastodon.localDomain };
  const queue = new DeliveryQueue({
    deliver: (channel, message) => deliverOnce(channel, message, origin),
    record: auditDelivery,
  });
  const deliveries: Promise<unknown>[] = [];
  const send = (message: AlertMessage) => {
    for (const channel of alertChannels(config.alerts)) deliveries.push(queue.enqueue(channel, message));
  };
  const detectors = [containersDetector(answer)];
  const watcher = new AlertWatcher({
    detectors,
    check: (batch) => runDetectors(batch, { nowMs: clock.nowMs }),
    send,
    timing: config.alerts,
    now: () => clock.nowMs,
  });
  return { watcher, delivered: () => Promise.all(deliveries), stop: () => queue.stop() };
}

function webhookKinds(): string[] {
  return receivers.webhook.requests.map((request) => {
    const body = JSON.parse(request.body) as { kind: string; problem: { id: string } | null };
    return `${body.kind}:${body.problem?.id}`;
  });
}

describe('AlertWatcher on the real channels', () => {
  it('sends exactly one mail and one webhook for a problem held past ALERT_AFTER_SECONDS, and one of each at its end', async () => {
    const answer = { findings: [webStopped] };
    const clock = { nowMs: Date.parse('2026-12-04T10:00:00Z') };
    const { watcher, delivered, stop } = watcherOnRealChannels(answer, clock);

    await watcher.checkOnContainerEvent();
    // Checked 30, 60 and 90 s after the stop: not held long enough yet.
    for (let check = 0; check < 3; check++) {
      clock.nowMs += 30_000;
      await watcher.checkAll();
    }
    await delivered();
    expect(receivers.smtp.messages).toEqual([]);
    expect(receivers.webhook.requests).toEqual([]);

    clock.nowMs += 30_000; // 120 s after the stop
    await watcher.checkAll();
    clock.nowMs += 60_000;
    await watcher.checkAll();
    await watcher.checkOnContainerEvent();
    await delivered();
    expect(receivers.smtp.messages.map((mail) => mail.subject)).toEqual([
      '[Mastodash] Critical: web is stopped (social.example)',
    ]);
    expect(receivers.smtp.messages[0]?.text).toContain('Fix: Restart web (mdtest-web-1) on the Containers page.');
    expect(webhookKinds()).toEqual(['opened:container.stopped:mdtest-web-1']);

    answer.findings = [];
    clock.nowMs += 60_000;
    await watcher.checkOnContainerEvent();
    clock.nowMs += 60_000;
    await watcher.checkAll();
    await delivered();
    expect(receivers.smtp.messages.map((mail) => mail.subject)).toEqual([
      '[Mastodash] Critical: web is stopped (social.example)',
      '[Mastodash] Recovered: web is stopped (social.example)',
    ]);
    expect(webhookKinds()).toEqual([
      'opened:container.stopped:mdtest-web-1',
      'recovered:container.stopped:mdtest-web-1',
    ]);
    expect(auditRows(temp.db).map((row) => row.action)).toEqual([
      'alert.sent',
      'alert.sent',
      'alert.sent',
      'alert.sent',
    ]);
    stop();
  });

  it('sends nothing for a stop shorter than ALERT_AFTER_SECONDS', async () => {
    const answer = { findings: [webStopped] };
    const clock = { nowMs: Date.parse('2026-12-04T10:00:00Z') };
    const { watcher, delivered, stop } = watcherOnRealChannels(answer, clock);
    await watcher.checkOnContainerEvent();
    clock.nowMs += 60_000;
    await watcher.checkAll();
    answer.findings = [];
    clock.nowMs += 10_000;
    await watcher.checkOnContainerEvent();
    clock.nowMs += 600_000;
    await watcher.checkAll();
    await delivered();
    expect(receivers.smtp.messages).toEqual([]);
    expect(receivers.webhook.requests).toEqual([]);
    stop();
  });

  it('keeps a problem open while its detector cannot look (web stopped: no media check), recovers it once it looks', async () => {
    const answer: { media: Found[] | typeof NOT_LOOKED } = {
      media: [{ key: 'media.broken', severity: 'critical', title: 'Uploads fail', evidence: 'Errno::EACCES' }],
    };
    const media: Detector = {
      id: 'media',
      subject: text('attention.subjects.media'),
      severity: 'critical',
      reads: 'the test',
      recheck: { kind: 'poll', everyMs: 1 },
      timeoutMs: 1_000,
      detect: () => Promise.resolve(answer.media),
    };
    const sent: AlertMessage[] = [];
    const clock = { nowMs: 0 };
    const watcher = new AlertWatcher({
      detectors: [media],
      check: (batch) => runDetectors(batch, { nowMs: clock.nowMs }),
      send: (message) => sent.push(message),
      timing: { afterMs: 60_000, repeatMs: 0 },
      now: () => clock.nowMs,
    });
    const kinds = () =>
      sent.map((message) => (message.kind === 'test' ? 'test' : `${message.kind}:${message.problem.id}`));
    await watcher.checkAll();
    clock.nowMs = 60_000;
    await watcher.checkAll();
    expect(kinds()).toEqual(['opened:media.broken']);

    answer.media = NOT_LOOKED;
    for (clock.nowMs = 120_000; clock.nowMs <= 600_000; clock.nowMs += 60_000) await watcher.checkAll();
    expect(kinds()).toEqual(['opened:media.broken']);

    answer.media = [];
    await watcher.checkAll();
    expect(kinds()).toEqual(['opened:media.broken', 'recovered:media.broken']);
  });

  it('runs the checks asked while one runs once, after it (one at a time, so the timing sees them in order)', async () => {
    let calls = 0;
    const answer = {
      get findings() {
        calls++;
        return [webStopped];
      },
    };
    const clock = { nowMs: 0 };
    const { watcher, stop } = watcherOnRealChannels(answer, clock);
    await Promise.all([watcher.checkAll(), watcher.checkOnContainerEvent(), watcher.checkAll()]);
    expect(calls).toBe(2);
    expect([...watcher.state.problems.keys()]).toEqual(['container.stopped:mdtest-web-1']);
    stop();
  });

  it('does not start without a channel: no watcher, no Docker event stream', () => {
    const config = loadConfig({
      env: { MASTODON_DIR: '/srv/mastodon' },
      readFile: () => 'LOCAL_DOMAIN=social.example',
    });
    expect(startAlertWatcher(config)).toBe(false);
    expect(existingProcessSingleton(ALERT_WATCHER_SLOT)).toBeUndefined();
    expect(existingProcessSingleton('live.topics')).toBeUndefined();
  });

  it.each([
    ['without InfluxDB, holds the live sampler so memory is judged with no page open', {}, 1],
    ['with InfluxDB, leaves memory to Telegraf and starts no sampler', { INFLUX_URL: 'http://127.0.0.1:9' }, 0],
  ] as const)('with a channel %s', (_, influx, metricsListeners) => {
    const config = loadConfig({
      env: {
        MASTODON_DIR: '/srv/mastodon',
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
        ALERT_WEBHOOK_URL: receivers.webhook.url,
        ...influx,
      },
      readFile: () => 'LOCAL_DOMAIN=social.example',
    });
    expect(startAlertWatcher(config)).toBe(true);
    try {
      expect(liveTopics().containers.listenerCount).toBeGreaterThanOrEqual(1);
      expect(liveTopics().metrics.listenerCount).toBe(metricsListeners);
    } finally {
      stopAlertWatcher();
    }
    expect(liveTopics().metrics.listenerCount).toBe(0);
  });
});
