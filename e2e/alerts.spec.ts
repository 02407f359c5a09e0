import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { auditRows } from '../test/support/next-build';
import { freePort } from '../test/support/ports';
import { startServer, type RunningServer } from '../test/support/server';
import {
  makeTestCertificate,
  startSmtpReceiver,
  type SmtpReceiver,
  type TestCertificate,
} from '../test/support/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';
import { signIn } from './support/session';

/**
 * The Alerts page (issue 18, "An Alerts page") against real receivers: an SMTP server that speaks STARTTLS and
 * checks AUTH, and HTTP receivers that accept, refuse or hang. Each case runs a second production server of its own
 * whose environment points the channels at them (an environment variable wins over Mastodon's .env.production), so
 * the shared e2e server keeps its configuration: no channel.
 */
const SMTP_USER = 'mastodon@mdtest.example';
const SMTP_PASSWORD = 'smtp-E2e-S3cret-51ad';
const WRONG_PASSWORD = 'wrong-E2e-Pass-77c1';
const TOPIC = 'mastodash-alerts-Tq7Zk2v';
const TOKEN = 'tok-E2e-9wXr4Lm';
const SECRETS = [SMTP_PASSWORD, WRONG_PASSWORD, TOPIC, TOKEN];

let certificate: TestCertificate;
let smtp: SmtpReceiver;
let accepting: WebhookReceiver;
let refusing: WebhookReceiver;
let hanging: WebhookReceiver;
let closedPort: number;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  certificate = makeTestCertificate();
  smtp = await startSmtpReceiver({ user: SMTP_USER, password: SMTP_PASSWORD, certificate });
  accepting = await startWebhookReceiver({ answer: 200 });
  refusing = await startWebhookReceiver({ answer: 403, body: `topic ${TOPIC} is not yours` });
  hanging = await startWebhookReceiver({ hang: true });
  closedPort = await freePort();
});

test.afterAll(async () => {
  await Promise.all([smtp?.close(), accepting?.close(), refusing?.close(), hanging?.close()]);
  certificate?.cleanup();
});

const hookUrl = (receiver: WebhookReceiver) => `${receiver.url}/${TOPIC}?token=${TOKEN}`;

/** A second server with both channels; the watcher runs but announces nothing during the test (a day's hold). */
function startAlertsServer(env: Record<string, string>): Promise<RunningServer> {
  return startServer({
    DASHBOARD_PASSWORD: 'alerts-e2e-password-long',
    ALERT_EMAIL_TO: 'admin@example.com',
    ALERT_WEBHOOK_URL: hookUrl(accepting),
    ALERT_AFTER_SECONDS: '86400',
    ALERT_INTERVAL_SECONDS: '3600',
    SMTP_SERVER: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_LOGIN: SMTP_USER,
    SMTP_PASSWORD,
    SMTP_CA_FILE: certificate.certFile,
    SMTP_FROM_ADDRESS: 'Mastodon <notifications@mdtest.example>',
    ...env,
  });
}

interface Session {
  context: BrowserContext;
  page: Page;
  /** Every body the server answered this browser with: pages, RSC payloads, server action answers. */
  bodies: () => Promise<string[]>;
}

async function openAlerts(browser: Browser, server: RunningServer, javaScriptEnabled = true): Promise<Session> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled });
  await signIn(context, server.dataDir);
  const page = await context.newPage();
  const pending: Promise<string>[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(server.origin)) pending.push(response.text().catch(() => ''));
  });
  await page.goto(`${server.origin}/alerts`);
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  return { context, page, bodies: () => Promise.all(pending) };
}

/** No secret in what the browser got, in the RSC payload asked for directly, in the audit, or in the server's log. */
async function expectNoSecrets(session: Session, server: RunningServer) {
  const rsc = await session.context.request.get(`${server.origin}/alerts`, { headers: { RSC: '1' } });
  expect(rsc.status()).toBe(200);
  const seen = [
    ...(await session.bodies()),
    await session.page.content(),
    await rsc.text(),
    JSON.stringify(auditRows(server.dataDir)),
    server.output(),
  ];
  // The scan reads what the page shows: the login, which is no secret, is there.
  expect(seen.join('\n')).toContain(SMTP_USER);
  for (const secret of SECRETS) {
    expect(seen.filter((text) => text.includes(secret)).length, `"${secret}" reached the browser or the audit`).toBe(0);
  }
}

function audited(server: RunningServer, action: string) {
  return auditRows(server.dataDir).filter((row) => row.action === action);
}

test('right credentials: the test message really arrives by mail and webhook, the page says delivered', async ({
  browser,
}) => {
  const server = await startAlertsServer({});
  let session: Session | undefined;
  try {
    session = await openAlerts(browser, server);
    const { page } = session;
    const email = page.getByTestId('channel-email');
    await expect(email).toContainText(`127.0.0.1:${smtp.port}`);
    await expect(email).toContainText('Mastodon <notifications@mdtest.example>');
    await expect(email).toContainText(`${SMTP_USER} (PLAIN, password set)`);
    await expect(email).toContainText('STARTTLS when the server offers it');
    await expect(page.getByTestId('channel-webhook')).toContainText(`${accepting.url}/•••?token=•••`);
    // The launcher started the watcher, and with a day's hold it has announced nothing.
    await expect(page.getByTestId('watcher-on')).toContainText(
      'checks every 1 h; a problem that holds 1 d sends a message',
    );
    await expect(page.getByTestId('no-open-problems')).toBeVisible();

    const mailsBefore = smtp.messages.length;
    await page.getByTestId('send-test-email').click();
    const emailResult = page.getByTestId('test-result-email');
    await expect(emailResult).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
    await expect(emailResult).toContainText('Delivered in');
    const mails = smtp.messages.slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      to: 'admin@example.com',
      envelopeTo: ['admin@example.com'],
      user: SMTP_USER,
      secure: true,
    });
    expect(mails[0]!.subject).toContain('Test message from Mastodash (mdtest.example)');

    await page.getByTestId('send-test-webhook').click();
    await expect(page.getByTestId('test-result-webhook')).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
    expect(accepting.requests).toHaveLength(1);
    expect(accepting.requests[0]).toMatchObject({ method: 'POST', path: `/${TOPIC}?token=${TOKEN}` });
    expect(JSON.parse(accepting.requests[0]!.body)).toMatchObject({
      version: 1,
      kind: 'test',
      instance: 'mdtest.example',
      problem: null,
    });

    // The history (re-rendered with the action's answer) has both deliveries, by the admin.
    const rows = page.getByTestId('alert-history-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-channel', 'webhook');
    await expect(rows.nth(1)).toHaveAttribute('data-channel', 'email');
    await expect(rows.nth(0)).toContainText('by admin');
    await expect(rows.nth(0)).toContainText('Delivered');
    expect(audited(server, 'alert.sent').map((row) => JSON.parse(row.params))).toEqual([
      expect.objectContaining({ channel: 'email', message: 'test', attempt: 1 }),
      expect.objectContaining({ channel: 'webhook', message: 'test', attempt: 1 }),
    ]);
    expect(audited(server, 'alert.test').map((row) => [row.target, row.outcome])).toEqual([
      ['alert channel email', 'succeeded'],
      ['alert channel webhook', 'succeeded'],
    ]);
    await page.screenshot({ path: 'e2e/artifacts/alerts-delivered.png', fullPage: true });
    await expectNoSecrets(session, server);
  } finally {
    await session?.context.close();
    await server.stop();
  }
});

test('with JavaScript off, the test message is a plain form post that delivers and answers', async ({ browser }) => {
  const server = await startAlertsServer({});
  let session: Session | undefined;
  try {
    session = await openAlerts(browser, server, false);
    const { page } = session;
    const posts: { path: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST') {
        posts.push({ path: new URL(response.url()).pathname, status: response.status() });
      }
    });
    const mailsBefore = smtp.messages.length;
    await page.getByTestId('send-test-email').click();
    await expect(page.getByTestId('test-result-email')).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
    expect(posts).toEqual([{ path: '/alerts', status: 200 }]);
    expect(smtp.messages.slice(mailsBefore).map((mail) => mail.subject)).toEqual([
      expect.stringContaining('Test message from Mastodash (mdtest.example)'),
    ]);
    await expect(page.getByTestId('alert-history-row')).toHaveCount(1);
    expect(audited(server, 'alert.sent')).toHaveLength(1);
    await expectNoSecrets(session, server);
  } finally {
    await session?.context.close();
    await server.stop();
  }
});

test('wrong SMTP password and a webhook answering 403: clear words, audited, and the page still works', async ({
  browser,
}) => {
  const server = await startAlertsServer({ SMTP_PASSWORD: WRONG_PASSWORD, ALERT_WEBHOOK_URL: hookUrl(refusing) });
  let session: Session | undefined;
  try {
    session = await openAlerts(browser, server);
    const { page } = session;
    const mailsBefore = smtp.messages.length;
    await page.getByTestId('send-test-email').click();
    const emailResult = page.getByTestId('test-result-email');
    await expect(emailResult).toHaveAttribute('data-reason', 'auth_refused', { timeout: 20_000 });
    await expect(emailResult).toContainText('The SMTP server refused the login.');
    await expect(emailResult).toContainText('SMTP_PASSWORD');
    expect(smtp.messages.length).toBe(mailsBefore);
    expect(smtp.logins.at(-1)).toEqual({ user: SMTP_USER, method: 'PLAIN', accepted: false });

    await page.getByTestId('send-test-webhook').click();
    const hookResult = page.getByTestId('test-result-webhook');
    await expect(hookResult).toHaveAttribute('data-reason', 'refused_by_webhook', { timeout: 20_000 });
    await expect(hookResult).toContainText('The webhook answered HTTP 403.');
    expect(refusing.requests).toHaveLength(1);

    expect(audited(server, 'alert.failed').map((row) => JSON.parse(row.params))).toEqual([
      expect.objectContaining({ channel: 'email', message: 'test', reason: 'auth_refused' }),
      expect.objectContaining({ channel: 'webhook', message: 'test', reason: 'refused_by_webhook', status: 403 }),
    ]);
    expect(audited(server, 'alert.test').map((row) => row.outcome)).toEqual(['failed', 'failed']);

    // Nothing crashed: the page loads again and lists both failures in its history.
    await page.reload();
    await expect(page.getByTestId('channel-email')).toBeVisible();
    const rows = page.getByTestId('alert-history-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('The webhook refused the message');
    await expect(rows.nth(1)).toContainText('The SMTP server refused the login');
    expect(server.process.exitCode).toBeNull();
    await page.screenshot({ path: 'e2e/artifacts/alerts-refused.png', fullPage: true });

    // With channels and failures shown (the shared server's page, in e2e/a11y.spec.ts, has neither).
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes.length}`)).toEqual([]);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.reload();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0], 'no sideways scrolling at 320 px').toBeLessThanOrEqual(widths[1]!);
    await expectNoSecrets(session, server);
  } finally {
    await session?.context.close();
    await server.stop();
  }
});

test('nothing listening on the SMTP port, and a webhook that hangs: could not connect, and timed out', async ({
  browser,
}) => {
  const server = await startAlertsServer({
    SMTP_PORT: String(closedPort),
    ALERT_WEBHOOK_URL: hookUrl(hanging),
    ALERT_TIMEOUT_SECONDS: '2',
  });
  let session: Session | undefined;
  try {
    session = await openAlerts(browser, server);
    const { page } = session;
    await page.getByTestId('send-test-email').click();
    const emailResult = page.getByTestId('test-result-email');
    await expect(emailResult).toHaveAttribute('data-reason', 'unreachable', { timeout: 20_000 });
    await expect(emailResult).toContainText(`Could not connect to 127.0.0.1:${closedPort}.`);

    const startedAt = Date.now();
    await page.getByTestId('send-test-webhook').click();
    const hookResult = page.getByTestId('test-result-webhook');
    // The hang is bounded by ALERT_TIMEOUT_SECONDS=2; the expectation allows for the page's round trip.
    await expect(hookResult).toHaveAttribute('data-reason', 'timeout', { timeout: 15_000 });
    await expect(hookResult).toContainText('timed out after 2 s (ALERT_TIMEOUT_SECONDS)');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000);
    expect(hanging.requests).toHaveLength(1);
    await expect.poll(() => hanging.held(), { message: 'the dashboard closed the hanging request' }).toBe(0);

    await page.reload();
    await expect(page.getByTestId('alert-history-row')).toHaveCount(2);
    await expectNoSecrets(session, server);
  } finally {
    await session?.context.close();
    await server.stop();
  }
});

test('without a channel (the shared server): what to set, and that nothing runs in the background', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByTestId('alerts-not-configured')).toContainText('nothing runs in the background');
  await expect(page.getByTestId('alerts-not-configured')).toContainText('ALERT_EMAIL_TO');
  await expect(page.getByTestId('alerts-not-configured')).toContainText('ALERT_WEBHOOK_URL');
  await expect(page.getByTestId('watcher-off')).toBeVisible();
  await expect(page.getByTestId('no-open-problems')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send a test message' })).toHaveCount(0);
});
