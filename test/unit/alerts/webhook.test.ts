import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { text } from '@/lib/i18n/text';
import {
  alertQueue,
  alertsConfigured,
  configuredChannels,
  sendAlert,
  sendTestMessage,
  stopAlertQueue,
  type AlertMessage,
} from '@/lib/alerts';
import { alertChannels, deliverOnce } from '@/lib/alerts/channels';
import { loadConfig, setConfigForTesting, type Config, type EnvSource } from '@/lib/config';
import { startWebhookReceiver, type WebhookReceiver } from '@/test/support/webhook-receiver';

import { useTempStore } from '../audit/store';
import { auditRows, everywhere, watchOutput } from './secrets-watch';

const TOPIC = 'mastodon-alerts-tk9Qz7w';
const TOKEN_PASSWORD = 'tk_webhookS3cret';

let receiver: WebhookReceiver;
let temp: ReturnType<typeof useTempStore>;
let output: ReturnType<typeof watchOutput>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

beforeEach(() => {
  temp = useTempStore();
  output = watchOutput();
  receiver.requests.length = 0;
  receiver.behave({ answer: 200 });
});

afterEach(() => {
  // The URL's path (ntfy's topic is its password) and credentials reached no audit row and no printed line.
  const seen = everywhere(temp.db, output);
  expect(seen).not.toContain(TOPIC);
  expect(seen).not.toContain(TOKEN_PASSWORD);
  vi.restoreAllMocks();
  temp.cleanup();
});

function configFor(env: EnvSource): Config {
  return loadConfig({
    env: { ALERT_WEBHOOK_URL: `${receiver.url}/${TOPIC}`, ALERT_TIMEOUT_SECONDS: '5', ...env },
    readFile: () => '',
  });
}

const problem = {
  id: 'media.not_writable',
  severity: 'warning' as const,
  title: 'Mastodon cannot write the media folder',
  evidence: 'web log: Errno::EACCES Permission denied @ dir_s_mkdir - /mastodon/public/system/cache',
  fix: 'Fix ownership on the Media page',
  since: new Date('2026-12-04T10:00:00Z'),
};

const opened: AlertMessage = { kind: 'opened', at: new Date('2026-12-04T10:03:00Z'), problem };

function send(config: Config, message: AlertMessage = opened) {
  const [channel] = alertChannels(config.alerts);
  return deliverOnce(channel!, message, { instance: 'social.example' });
}

describe('the webhook channel against a real HTTP receiver', () => {
  it('posts the documented JSON body (ALERT_WEBHOOK_FORMAT=json, the default)', async () => {
    const result = await send(configFor({}));
    expect(result).toMatchObject({ ok: true, channel: 'webhook' });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/${TOPIC}` });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({
      version: 1,
      kind: 'opened',
      title: 'Warning: Mastodon cannot write the media folder (social.example)',
      text: expect.stringContaining('Fix: Fix ownership on the Media page'),
      instance: 'social.example',
      sentAt: '2026-12-04T10:03:00.000Z',
      problem: {
        id: 'media.not_writable',
        severity: 'warning',
        title: 'Mastodon cannot write the media folder',
        evidence: problem.evidence,
        fix: 'Fix ownership on the Media page',
        since: '2026-12-04T10:00:00.000Z',
        endedAt: null,
      },
    });
  });

  it('says when a problem ended in the recovery body', async () => {
    const recovered: AlertMessage = {
      kind: 'recovered',
      problem,
      endedAt: new Date('2026-12-04T10:45:00Z'),
      at: new Date('2026-12-04T10:45:05Z'),
    };
    expect(await send(configFor({}), recovered)).toMatchObject({ ok: true });
    const body = JSON.parse(receiver.requests[0]!.body) as {
      kind: string;
      title: string;
      problem: { endedAt: string };
    };
    expect(body.kind).toBe('recovered');
    expect(body.title).toBe('Recovered: Mastodon cannot write the media folder (social.example)');
    expect(body.problem.endedAt).toBe('2026-12-04T10:45:00.000Z');
  });

  it('posts plain text with ntfy’s Title, Priority and Tags headers (ALERT_WEBHOOK_FORMAT=ntfy)', async () => {
    expect(await send(configFor({ ALERT_WEBHOOK_FORMAT: 'ntfy' }))).toMatchObject({ ok: true });
    const [request] = receiver.requests;
    expect(request?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request?.headers.title).toBe('Warning: Mastodon cannot write the media folder (social.example)');
    expect(request?.headers.priority).toBe('4');
    expect(request?.headers.tags).toBe('warning');
    expect(request?.body).toContain(`Evidence: ${problem.evidence}`);
    expect(request?.body).toContain('Fix: Fix ownership on the Media page');
    expect(request?.body.startsWith('{')).toBe(false);
  });

  it('encodes a non-ASCII ntfy title as RFC 2047, which ntfy decodes', async () => {
    const critical: AlertMessage = {
      kind: 'opened',
      at: new Date(),
      problem: { ...problem, severity: 'critical', title: 'Mémoire du serveur à 97 %' },
    };
    expect(await send(configFor({ ALERT_WEBHOOK_FORMAT: 'ntfy' }), critical)).toMatchObject({ ok: true });
    const { title, priority } = receiver.requests[0]!.headers;
    expect(priority).toBe('5');
    const encoded = /^=\?UTF-8\?B\?(.+)\?=$/.exec(String(title));
    expect(Buffer.from(encoded![1]!, 'base64').toString('utf8')).toBe(
      'Critical: Mémoire du serveur à 97 % (social.example)',
    );
  });

  it('sends user:password from the URL as Basic auth, shows the URL masked and audits its origin only', async () => {
    const config = configFor({
      ALERT_WEBHOOK_URL: `http://alerts:${TOKEN_PASSWORD}@127.0.0.1:${receiver.port}/${TOPIC}`,
    });
    const result = await sendTestMessage('webhook', { actor: 'admin' }, config);
    expect(result).toMatchObject({ ok: true });
    const expected = `Basic ${Buffer.from(`alerts:${TOKEN_PASSWORD}`).toString('base64')}`;
    expect(receiver.requests[0]?.headers.authorization).toBe(expected);
    expect(receiver.requests[0]?.path).toBe(`/${TOPIC}`);
    expect(configuredChannels(config)[0]?.facts).toContainEqual({
      id: 'url',
      label: text('alerts.channels.facts.url'),
      value: `http://•••@127.0.0.1:${receiver.port}/•••`,
    });
    const [row] = auditRows(temp.db);
    expect(row).toMatchObject({
      action: 'alert.sent',
      outcome: 'succeeded',
      actor: 'admin',
      target: `webhook ${receiver.url}/…`,
    });
    expect(JSON.parse(String(row?.params))).toEqual({ channel: 'webhook', message: 'test', attempt: 1 });
  });

  it('is bounded by ALERT_TIMEOUT_SECONDS when the receiver never answers', async () => {
    receiver.behave({ hang: true });
    const result = await send(configFor({ ALERT_TIMEOUT_SECONDS: '1' }));
    // The receiver holds every request open until closed: only the timeout can have ended this attempt.
    expect(receiver.requests).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, channel: 'webhook', reason: 'timeout' });
    expect(result.ok ? '' : result.detail).toBe(`${receiver.url}/… did not answer within 1 s`);
  });

  it.each([404, 401, 500])('reports a %i answer as refused_by_webhook with the status, audited', async (status) => {
    receiver.behave({ answer: status, body: `topic ${TOPIC} says no` });
    const result = await sendTestMessage('webhook', { actor: 'admin' }, configFor({}));
    expect(result).toMatchObject({ ok: false, reason: 'refused_by_webhook', status });
    expect(result.ok ? '' : result.detail).toMatch(new RegExp(`^${receiver.url}/… answered ${status}: topic`));
    const [row] = auditRows(temp.db);
    expect(row).toMatchObject({ action: 'alert.failed', outcome: 'failed' });
    expect(JSON.parse(String(row?.params))).toMatchObject({ reason: 'refused_by_webhook', status });
  });

  it('reports nothing listening as unreachable', async () => {
    const gone = await startWebhookReceiver();
    const url = `${gone.url}/${TOPIC}`;
    await gone.close();
    expect(await send(configFor({ ALERT_WEBHOOK_URL: url }))).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('answers "not configured" for a channel that is not, without throwing', async () => {
    const config = loadConfig({ env: {}, readFile: () => '' });
    expect(await sendTestMessage('webhook', { actor: 'admin' }, config)).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
    expect(await sendTestMessage('email', { actor: 'admin' }, config)).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
  });
});

describe('sendAlert through the process queue', () => {
  afterEach(() => {
    stopAlertQueue();
    setConfigForTesting(undefined);
  });

  it('delivers to every configured channel, audited by the watcher’s actor, and counts it', async () => {
    setConfigForTesting(configFor({ ALERT_WEBHOOK_FORMAT: 'ntfy' }));
    expect(alertsConfigured()).toBe(true);
    expect(await sendAlert(opened)).toEqual([{ ok: true, channel: 'webhook', durationMs: expect.any(Number) }]);
    expect(receiver.requests.map((request) => request.headers.title)).toEqual([
      'Warning: Mastodon cannot write the media folder',
    ]);
    expect(alertQueue().stats()).toMatchObject({ delivered: 1, pending: 0 });
    expect(auditRows(temp.db)).toEqual([expect.objectContaining({ action: 'alert.sent', actor: 'alerts' })]);
  });

  it('sends nothing and reports no channel when none is configured', async () => {
    setConfigForTesting(loadConfig({ env: {}, readFile: () => '' }));
    expect(alertsConfigured()).toBe(false);
    expect(await sendAlert(opened)).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });
});
