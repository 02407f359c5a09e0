import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { channelViews, maskWebhookUrl } from '@/lib/alerts/channels';
import {
  alertHistory,
  channelAddress,
  describeDelivery,
  readAlertsOverview,
  sendTestMessageFor,
  type DeliveryOutcomeView,
} from '@/lib/alerts/overview';
import { loadConfig, type Config, type EnvSource } from '@/lib/config';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText, text } from '@/lib/i18n/text';
import { setUpAlertReceivers } from '@/test/support/alert-receivers';
import { freePort } from '@/test/support/ports';

import { useTempStore } from '../audit/store';
import { everywhere, watchOutput } from './secrets-watch';

describe('maskWebhookUrl: the webhook URL as the Alerts page shows it', () => {
  it('masks an ntfy topic (the topic is its password) and keeps host and port', () => {
    expect(maskWebhookUrl('https://ntfy.example.net/mastodon-alerts-tk9Qz7w')).toBe('https://ntfy.example.net/•••');
    expect(maskWebhookUrl('http://127.0.0.1:8080/alerts')).toBe('http://127.0.0.1:8080/•••');
    expect(maskWebhookUrl('https://ntfy.example.net/')).toBe('https://ntfy.example.net/');
  });

  it('masks user and password, and an access token used as the user alone', () => {
    expect(maskWebhookUrl('https://bot:hunter2@ntfy.example.net/topic')).toBe('https://•••@ntfy.example.net/•••');
    expect(maskWebhookUrl('https://:tk_AbC123@ntfy.example.net/')).toBe('https://•••@ntfy.example.net/');
    expect(maskWebhookUrl('https://tk_AbC123@ntfy.example.net/')).toBe('https://•••@ntfy.example.net/');
  });

  it('keeps plain query names and masks every value (?token=)', () => {
    expect(maskWebhookUrl('https://gotify.example.net/message?token=AbC.123-x')).toBe(
      'https://gotify.example.net/•••?token=•••',
    );
    expect(maskWebhookUrl('https://bridge.example/hook?auth=abc&priority=high')).toBe(
      'https://bridge.example/•••?auth=•••&priority=•••',
    );
  });

  it("says so when the setting is not a URL, in the reader's language", () => {
    expect(inEnglish(maskWebhookUrl('not a url'))).toBe('(not a URL)');
    expect(renderText(translatorFor('de'), maskWebhookUrl('not a url'))).toBe('(keine URL)');
  });

  it('names the webhook in words when its address is not a URL', () => {
    const result = { ok: false as const, channel: 'webhook' as const, reason: 'unreachable' as const };
    const channel = { kind: 'webhook', delivery: { url: 'not a url', format: 'json', timeoutMs: 1000 } } as const;
    const address = channelAddress(channel as Parameters<typeof channelAddress>[0]);
    const view = describeDelivery(result as Parameters<typeof describeDelivery>[0], address, 10_000);
    expect(inEnglish(view.headline)).toBe('Could not connect to the webhook.');
    expect(renderText(translatorFor('de'), view.headline)).toBe('Keine Verbindung zu dem Webhook.');
  });

  it('masks a query name that looks like a token, or one without a value, and a fragment', () => {
    expect(maskWebhookUrl('https://hooks.example/x?tk_9f8e7d6c')).toBe('https://hooks.example/•••?•••');
    expect(maskWebhookUrl('https://hooks.example/x?k7Gq2=1')).toBe('https://hooks.example/•••?•••');
    expect(maskWebhookUrl('https://hooks.example/x#s3cret')).toBe('https://hooks.example/•••#•••');
  });

  it('masks the token in the path of Slack and Discord webhooks', () => {
    const slack = 'https://hooks.slack.com/services/T000A/B000B/XXXXsecretXXXX';
    const discord = 'https://discord.com/api/webhooks/1234567/AbCdEf-token_value';
    expect(maskWebhookUrl(slack)).toBe('https://hooks.slack.com/•••');
    expect(maskWebhookUrl(discord)).toBe('https://discord.com/•••');
  });

  it('says "not a URL" rather than echoing what it cannot parse', () => {
    expect(inEnglish(maskWebhookUrl('not a url with s3cret'))).toBe('(not a URL)');
  });

  it('is what the channel view shows, and no secret is left in the view', () => {
    const config = loadConfig({
      env: {
        ALERT_WEBHOOK_URL: 'https://u:pw-S3cret@ntfy.example.net/topic-S3cret?token=tok-S3cret',
        ALERT_WEBHOOK_FORMAT: 'ntfy',
      },
      readFile: () => '',
    });
    const views = channelViews(config.alerts);
    expect(views[0]?.facts).toContainEqual({
      id: 'url',
      label: text('alerts.channels.facts.url'),
      value: 'https://•••@ntfy.example.net/•••?token=•••',
    });
    expect(JSON.stringify(views)).not.toMatch(/S3cret|pw-|tok-/);
  });
});

describe('describeDelivery: a result in plain words', () => {
  const failure = (fields: Partial<Extract<Parameters<typeof describeDelivery>[0], { ok: false }>>) =>
    ({ ok: false, channel: 'email', reason: 'failed', detail: 'the detail', durationMs: 5, ...fields }) as const;

  it('says delivered, with the time it took', () => {
    const delivered = describeDelivery({ ok: true, channel: 'webhook', durationMs: 42 }, 'x:1', 10_000);
    expect(delivered).toMatchObject({ channel: 'webhook', ok: true });
    expect(inEnglish(delivered.headline)).toBe('Delivered in 42 ms.');
    expect(renderText(translatorFor('de'), delivered.headline)).toBe('Zugestellt in 42 ms.');
  });

  it('names a refused login, the host and port it could not reach, the HTTP status and the timeout', () => {
    const words = (result: ReturnType<typeof failure>, timeoutMs = 10_000): DeliveryOutcomeView =>
      describeDelivery(result, 'smtp.example.net:587', timeoutMs);
    expect(inEnglish(words(failure({ reason: 'auth_refused' })).headline)).toBe('The SMTP server refused the login.');
    expect(inEnglish(words(failure({ reason: 'unreachable' })).headline)).toBe(
      'Could not connect to smtp.example.net:587.',
    );
    expect(inEnglish(words(failure({ channel: 'webhook', reason: 'refused_by_webhook', status: 403 })).headline)).toBe(
      'The webhook answered HTTP 403.',
    );
    expect(inEnglish(words(failure({ reason: 'timeout' }), 3000).headline)).toBe(
      'No answer: timed out after 3 s (ALERT_TIMEOUT_SECONDS).',
    );
    const tls = words(failure({ reason: 'tls' }));
    expect(tls).toMatchObject({ ok: false, reason: 'tls', detail: 'the detail' });
    expect(inEnglish(tls.fix!)).toContain('SMTP_OPENSSL_VERIFY_MODE');
    const german = translatorFor('de');
    expect(renderText(german, words(failure({ reason: 'auth_refused' })).headline)).toBe(
      'Der SMTP-Server hat die Anmeldung abgelehnt.',
    );
    expect(renderText(german, words(failure({ reason: 'timeout' }), 2500).headline)).toBe(
      'Keine Antwort: Zeitüberschreitung nach 2,5 s (ALERT_TIMEOUT_SECONDS).',
    );
    expect(renderText(german, tls.fix!)).toContain('Prüfe, ob das Zertifikat');
  });
});

describe('the Alerts page’s data against real receivers', () => {
  const USER = 'mastodon@social.example';
  const PASSWORD = 'smtp-PagePass-7c2d';
  const TOPIC = 'alerts-topic-Zq81xw';
  const receivers = setUpAlertReceivers({ user: USER, password: PASSWORD });
  let closedPort: number;
  let temp: ReturnType<typeof useTempStore>;
  let output: ReturnType<typeof watchOutput>;

  beforeAll(async () => {
    closedPort = await freePort();
  });

  beforeEach(() => {
    temp = useTempStore();
    output = watchOutput();
  });

  afterEach(() => {
    const seen = everywhere(temp.db, output);
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain(TOPIC);
    vi.restoreAllMocks();
    temp.cleanup();
  });

  function configFor(env: EnvSource = {}): Config {
    return loadConfig({
      env: {
        ALERT_EMAIL_TO: 'admin@example.com',
        ALERT_WEBHOOK_URL: `${receivers.webhook.url}/${TOPIC}?token=${TOPIC}`,
        ALERT_TIMEOUT_SECONDS: '2',
        SMTP_SERVER: '127.0.0.1',
        SMTP_PORT: String(receivers.smtp.port),
        SMTP_LOGIN: USER,
        SMTP_PASSWORD: PASSWORD,
        SMTP_OPENSSL_VERIFY_MODE: 'none',
        ...env,
      },
      readFile: () => '',
    });
  }

  const by = { actor: 'admin', session: 'sess-ref' };

  it('delivers a test message on each channel and shows both in the history, newest first', async () => {
    const config = configFor();
    expect(await sendTestMessageFor('email', by, config)).toMatchObject({ ok: true, channel: 'email' });
    expect(await sendTestMessageFor('webhook', by, config)).toMatchObject({ ok: true, channel: 'webhook' });
    expect(receivers.smtp.messages.map((mail) => mail.subject)).toEqual([
      expect.stringContaining('Test message from Mastodash'),
    ]);
    expect(receivers.webhook.requests).toHaveLength(1);

    const history = alertHistory();
    expect(history.map((entry) => [entry.channel, entry.message, entry.delivered, entry.actor])).toEqual([
      ['webhook', 'test', true, 'admin'],
      ['email', 'test', true, 'admin'],
    ]);
    expect(history[0]!.target).toBe(`webhook ${receivers.webhook.url}/…`);
  });

  it('says the login was refused for a wrong SMTP password, and the history says so too', async () => {
    const outcome = await sendTestMessageFor('email', by, configFor({ SMTP_PASSWORD: 'wrong-password-here' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'auth_refused' });
    expect(inEnglish(outcome.headline)).toBe('The SMTP server refused the login.');
    expect(receivers.smtp.messages).toEqual([]);
    const [entry] = alertHistory();
    expect(entry).toMatchObject({ delivered: false, message: 'test' });
    expect(inEnglish(entry!.reason!)).toBe('The SMTP server refused the login');
  });

  it('names host and port when nothing listens there', async () => {
    const outcome = await sendTestMessageFor('email', by, configFor({ SMTP_PORT: String(closedPort) }));
    expect(outcome).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(inEnglish(outcome.headline)).toBe(`Could not connect to 127.0.0.1:${closedPort}.`);
  });

  it('gives a refusing webhook’s status, and bounds a hanging one by ALERT_TIMEOUT_SECONDS', async () => {
    receivers.webhook.behave({ answer: 403, body: `forbidden: topic ${TOPIC}` });
    const refused = await sendTestMessageFor('webhook', by, configFor());
    expect(refused).toMatchObject({ ok: false });
    expect(inEnglish(refused.headline)).toBe('The webhook answered HTTP 403.');
    expect(refused.detail).not.toContain(TOPIC);

    receivers.webhook.behave({ hang: true });
    const startedAt = Date.now();
    const hung = await sendTestMessageFor('webhook', by, configFor({ ALERT_TIMEOUT_SECONDS: '1' }));
    expect(hung).toMatchObject({ ok: false, reason: 'timeout' });
    expect(inEnglish(hung.headline)).toBe('No answer: timed out after 1 s (ALERT_TIMEOUT_SECONDS).');
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('without a channel: no channels, the watcher off, no problems, and a test says "not configured"', async () => {
    const config = loadConfig({ env: {}, readFile: () => '' });
    const overview = readAlertsOverview(config);
    expect(overview).toMatchObject({ channels: [], problems: [], watcher: { running: false } });
    expect(overview.history).toEqual({ ok: true, entries: [] });
    expect(await sendTestMessageFor('email', by, config)).toMatchObject({ ok: false, reason: 'not_configured' });
  });
});
