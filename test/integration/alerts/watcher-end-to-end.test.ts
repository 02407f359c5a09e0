import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditRows, callAction, plantSession, type AuditRow } from '../../support/next-build';
import { finishedJob, jobIdOf } from '../../support/jobs';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import {
  makeTestCertificate,
  startSmtpReceiver,
  type ReceivedMail,
  type SmtpReceiver,
  type TestCertificate,
} from '../../support/smtp-receiver';
import { ownProjectEnv, readTestbed } from '../../support/testbed';
import { waitFor } from '../../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

/**
 * The alert watcher end to end, with no browser: the production launcher (dist/start.mjs) watching a compose
 * project of this file's own, a real SMTP server (STARTTLS required, AUTH checked) and a real webhook receiver.
 * The steps run in order on one server, because the watcher's memory is the point: what it announced, it must
 * recover, once.
 */
const run = promisify(execFile);
const testbed = readTestbed();
const PROJECT = 'mds25e';
const WEB = `${PROJECT}-web-1`;
const MEDIA_FOLDER = '/opt/mastodon/public/system';
const WEB_STOPPED = `container.stopped:${WEB}`;
const MEDIA_BROKEN = 'media.broken';

const AFTER_S = 5;
// The smallest ALERT_INTERVAL_SECONDS lib/config/keys.ts allows.
const INTERVAL_S = 10;
const TIMEOUT_S = 4;
/**
 * For the check itself and one delivery. The detectors run side by side in a few hundred ms on an idle machine, but
 * on a loaded CI machine (two cores, the test bed's health checks) the first mail missed a 3 s margin.
 */
const MARGIN_MS = 8_000;
const WITHIN_MS = (AFTER_S + INTERVAL_S) * 1_000 + MARGIN_MS;
/** The first back-off step of lib/alerts/queue.ts. */
const FIRST_RETRY_S = 30;

const SMTP_USER = 'alerts@mds25e.example';
const SMTP_PASSWORD = 'e2e-Smtp-pass-25e';

const docker = async (...args: string[]) =>
  (await run('docker', args, { env: { ...process.env, DOCKER_HOST: testbed.dockerHost } })).stdout.trim();
const project = (...args: string[]) => run('bash', ['scripts/testbed/project.sh', ...args], { timeout: 120_000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One message as either receiver got it, reduced to what the watcher decided, with when the test first saw it. */
interface Received {
  kind: string;
  problem: string;
  at: number;
}

let certificate: TestCertificate;
/** Every SMTP receiver of the run, in order (the SMTP-down step closes one and opens another on its port). */
const smtpReceivers: SmtpReceiver[] = [];
let webhook: WebhookReceiver;
let server: RunningServer;
let smtpPort: number;
let cookie: string;

const firstSeen = new WeakMap<object, number>();
function seenAt(item: object): number {
  if (!firstSeen.has(item)) firstSeen.set(item, Date.now());
  return firstSeen.get(item)!;
}

const MAIL_KINDS: Record<string, string> = {
  Critical: 'opened',
  Warning: 'opened',
  Still: 'reminder',
  Recovered: 'recovered',
  Test: 'test',
};

function mails(): (ReceivedMail & Received)[] {
  return smtpReceivers
    .flatMap((receiver) => receiver.messages)
    .map((mail) => ({
      ...mail,
      kind: MAIL_KINDS[/^\[Mastodash\] (\w+)/.exec(mail.subject)?.[1] ?? ''] ?? '?',
      problem: /Problem id: (\S+)\.$/m.exec(mail.text)?.[1] ?? '?',
      at: seenAt(mail),
    }));
}

/** The JSON body (README, "Alerts"), the parts these tests read. */
interface HookBody {
  kind: string;
  title: string;
  text: string;
  problem: { id: string; fix: string | null } | null;
}

function hooks(): (Received & { body: HookBody })[] {
  return webhook.requests.map((request) => {
    const body = JSON.parse(request.body) as HookBody;
    return { kind: body.kind, problem: body.problem?.id ?? '?', at: seenAt(request), body };
  });
}

const about =
  (problem: string, kind?: string) =>
  (message: Received): boolean =>
    message.problem === problem && (kind === undefined || message.kind === kind);

/** The watcher's delivery records (alert.sent, alert.failed) about one problem, params parsed. */
function deliveries(problem: string): (AuditRow & { p: Record<string, unknown> })[] {
  return auditRows(server.dataDir)
    .filter((row) => row.action === 'alert.sent' || row.action === 'alert.failed')
    .map((row) => ({ ...row, p: JSON.parse(row.params) as Record<string, unknown> }))
    .filter((row) => row.p.problem === problem);
}

/** One channel's delivery records about one problem, in order: [action, message kind, attempt]. */
function history(problem: string, channel: 'email' | 'webhook'): [string, unknown, unknown][] {
  return deliveries(problem)
    .filter((row) => row.p.channel === channel)
    .map((row) => [row.action, row.p.message, row.p.attempt]);
}

/**
 * The same, once `count` records are there: the server writes a delivery's record after the receiver has the
 * message, so a test that just saw the message waits a moment for its record.
 */
function auditedHistory(
  problem: string,
  channel: 'email' | 'webhook',
  count: number,
): Promise<[string, unknown, unknown][]> {
  return waitFor(
    `${count} ${channel} deliveries about ${problem} in the audit log`,
    () => {
      const rows = history(problem, channel);
      return rows.length >= count ? rows : undefined;
    },
    5_000,
  );
}

/** The kinds of message each channel received about one problem, in order. */
function kindsAbout(problem: string): { mails: string[]; hooks: string[] } {
  return {
    mails: mails()
      .filter(about(problem))
      .map((mail) => mail.kind),
    hooks: hooks()
      .filter(about(problem))
      .map((hook) => hook.kind),
  };
}

async function openSmtp(port = 0): Promise<SmtpReceiver> {
  const receiver = await startSmtpReceiver({ user: SMTP_USER, password: SMTP_PASSWORD, certificate, port });
  smtpReceivers.push(receiver);
  return receiver;
}

beforeAll(async () => {
  certificate = makeTestCertificate();
  smtpPort = (await openSmtp()).port;
  webhook = await startWebhookReceiver();
  await project('up', PROJECT);
  await project('wait-healthy', PROJECT, '120');
  // As Docker creates a missing bind-mount source: root's; the stand-in web then logs Errno::EACCES.
  await docker('exec', '-u', '0', WEB, 'chown', '0:0', '--', MEDIA_FOLDER);
  await docker('exec', '-u', '0', WEB, 'chmod', '755', '--', MEDIA_FOLDER);
  server = await startServer({
    ...ownProjectEnv(testbed, PROJECT),
    DASHBOARD_PASSWORD: 'alerts-e2e-password-long-enough',
    ALERT_EMAIL_TO: 'admin@mds25e.example',
    ALERT_WEBHOOK_URL: `${webhook.url}/hooks/mds25e-secret-topic`,
    ALERT_WEBHOOK_FORMAT: 'json',
    ALERT_AFTER_SECONDS: String(AFTER_S),
    ALERT_INTERVAL_SECONDS: String(INTERVAL_S),
    ALERT_TIMEOUT_SECONDS: String(TIMEOUT_S),
    SMTP_SERVER: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_LOGIN: SMTP_USER,
    SMTP_PASSWORD,
    SMTP_AUTH_METHOD: 'plain',
    SMTP_ENABLE_STARTTLS: 'always',
    SMTP_OPENSSL_VERIFY_MODE: 'peer',
    SMTP_CA_FILE: certificate.certFile,
    SMTP_FROM_ADDRESS: 'Mastodash <notifications@mds25e.example>',
  });
  cookie = plantSession(server.dataDir).cookie;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  for (const receiver of smtpReceivers) await receiver.close().catch(() => undefined);
  await webhook?.close();
  certificate?.cleanup();
  await docker('start', WEB).catch(() => undefined);
  await project('down', PROJECT);
}, 120_000);

describe('the alert watcher through the production launcher', () => {
  it('starts, and alerts on the root-owned media folder naming Fix ownership, once per channel', async () => {
    expect(server.output()).toContain(`alert watcher on, checking every ${INTERVAL_S} s`);
    const startedAt = Date.now();
    const mail = await waitFor('the media alert by mail', () => mails().find(about(MEDIA_BROKEN)), WITHIN_MS);
    const hook = await waitFor('the media alert by webhook', () => hooks().find(about(MEDIA_BROKEN)), 5_000);
    expect(mail.at - startedAt).toBeLessThanOrEqual(WITHIN_MS);

    const fix = `Use "Fix ownership" on the Media page (/mastodon/public/system to 991:991 in ${WEB}).`;
    expect(mail.subject).toMatch(/^\[Mastodash\] Critical: Uploads fail: .+ \(mds25e\.example\)$/);
    expect(mail.text).toContain(`Fix: ${fix}`);
    expect(mail.text).toMatch(/Evidence: .*(Errno::EACCES|not writable by 991:991)/);
    // Through STARTTLS, logged in, from Mastodon's sender to ALERT_EMAIL_TO.
    expect(mail).toMatchObject({ secure: true, user: SMTP_USER, envelopeTo: ['admin@mds25e.example'] });
    expect(mail.from).toContain('notifications@mds25e.example');
    expect(hook.body).toMatchObject({ kind: 'opened', problem: { id: MEDIA_BROKEN, fix } });
    expect(webhook.requests[0]?.path).toBe('/hooks/mds25e-secret-topic');
    expect(webhook.requests[0]?.headers['content-type']).toBe('application/json');

    expect(await auditedHistory(MEDIA_BROKEN, 'email', 1)).toEqual([['alert.sent', 'opened', 1]]);
    expect(await auditedHistory(MEDIA_BROKEN, 'webhook', 1)).toEqual([['alert.sent', 'opened', 1]]);
  });

  it('the fix it names ends the problem: one recovery; a hanging webhook is cut at ALERT_TIMEOUT_SECONDS', async () => {
    webhook.behave({ hang: true });
    const answer = await callAction(
      server.port,
      'fixMediaPermissionsAction',
      [{ container: WEB, path: '/mastodon/public/system' }],
      { cookie },
    );
    expect(answer.status).toBe(200);
    expect((await finishedJob(server.dataDir, jobIdOf(answer.body), 60_000)).status).toBe('succeeded');
    const fixedAt = Date.now();

    // The mail channel delivers while the webhook holds its request open.
    const recovered = await waitFor(
      'the media recovery by mail',
      () => mails().find(about(MEDIA_BROKEN, 'recovered')),
      INTERVAL_S * 1_000 + MARGIN_MS,
    );
    expect(recovered.subject).toMatch(/^\[Mastodash\] Recovered: Uploads fail: /);
    expect(recovered.text).toMatch(/Ended at .+, after \d+ min\./);
    expect(recovered.at - fixedAt).toBeLessThanOrEqual(INTERVAL_S * 1_000 + MARGIN_MS);
    await waitFor('the held webhook request', () => (webhook.held() > 0 ? true : undefined), 5_000);

    // The dashboard answers while the hook hangs.
    const page = await rawRequest(server.port, { path: '/', headers: { cookie }, timeoutMs: 20_000 });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Needs attention');

    const failed = await waitFor(
      'the webhook timeout in the audit log',
      () => deliveries(MEDIA_BROKEN).find((row) => row.action === 'alert.failed'),
      (TIMEOUT_S + 3) * 1_000,
    );
    expect(failed.p).toMatchObject({
      channel: 'webhook',
      message: 'recovered',
      attempt: 1,
      reason: 'timeout',
      retryInSeconds: FIRST_RETRY_S,
    });
    expect(failed.error).toBe(`${webhook.url}/… did not answer within ${TIMEOUT_S} s`);
    expect(failed.target).toBe(`webhook ${webhook.url}/…`);
    await waitFor('the hook released', () => (webhook.held() === 0 ? true : undefined), 3_000);
    expect(await auditedHistory(MEDIA_BROKEN, 'email', 2)).toEqual([
      ['alert.sent', 'opened', 1],
      ['alert.sent', 'recovered', 1],
    ]);
    expect(await auditedHistory(MEDIA_BROKEN, 'webhook', 2)).toEqual([
      ['alert.sent', 'opened', 1],
      ['alert.failed', 'recovered', 1],
    ]);
    expect(kindsAbout(MEDIA_BROKEN).mails).toEqual(['opened', 'recovered']);
    // Its retry comes FIRST_RETRY_S later; the next test sees it delivered.
    webhook.behave({ answer: 200 });
  });

  it('SMTP down: alert.failed audited, retried after the back-off, delivered and counted once it is back', async () => {
    await smtpReceivers[0]!.close();
    await docker('stop', '--timeout', '1', WEB);
    const failed = await waitFor(
      'the failed mail in the audit log',
      () => deliveries(WEB_STOPPED).find((row) => row.action === 'alert.failed'),
      WITHIN_MS,
    );
    const failedAt = Date.now();
    expect(failed.p).toMatchObject({
      channel: 'email',
      message: 'opened',
      attempt: 1,
      reason: 'unreachable',
      retryInSeconds: FIRST_RETRY_S,
    });
    expect(failed.error).toMatch(new RegExp(`^127\\.0\\.0\\.1:${smtpPort}: .*ECONNREFUSED`));
    expect(failed.target).toBe('email ad…@mds25e.example');

    // The receiver comes back on the same port; web starts meanwhile, so its recovery waits behind the alert.
    const back = await openSmtp(smtpPort);
    await docker('start', WEB);
    const webMails = () => back.messages.filter((one) => one.text.includes(`Problem id: ${WEB_STOPPED}.`));
    await waitFor('the alert and its recovery by mail', () => (webMails().length >= 2 ? true : undefined), 40_000);
    // Not before the back-off step.
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual((FIRST_RETRY_S - 1) * 1_000);
    // In order, each once: a recovery never overtakes its alert.
    expect(webMails().map((one) => one.subject)).toEqual([
      '[Mastodash] Critical: web is exited (mds25e.example)',
      '[Mastodash] Recovered: web is exited (mds25e.example)',
    ]);
    expect(await auditedHistory(WEB_STOPPED, 'email', 3)).toEqual([
      ['alert.failed', 'opened', 1],
      ['alert.sent', 'opened', 2],
      ['alert.sent', 'recovered', 1],
    ]);

    // The webhook line held the hung media recovery until its own retry, then delivered everything in order.
    await waitFor('the web recovery by webhook', () => hooks().find(about(WEB_STOPPED, 'recovered')), 5_000);
    expect(await auditedHistory(MEDIA_BROKEN, 'webhook', 3)).toEqual([
      ['alert.sent', 'opened', 1],
      ['alert.failed', 'recovered', 1],
      ['alert.sent', 'recovered', 2],
    ]);
    expect(await auditedHistory(WEB_STOPPED, 'webhook', 2)).toEqual([
      ['alert.sent', 'opened', 1],
      ['alert.sent', 'recovered', 1],
    ]);
    expect(kindsAbout(WEB_STOPPED)).toEqual({ mails: ['opened', 'recovered'], hooks: ['opened', 'recovered'] });
    expect(kindsAbout(MEDIA_BROKEN)).toEqual({
      mails: ['opened', 'recovered'],
      hooks: ['opened', 'recovered', 'recovered'],
    });
    // No secret in any audit record or printed line; the watcher's loop never failed.
    const everything = JSON.stringify(auditRows(server.dataDir)) + server.output();
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(everything).not.toContain('mds25e-secret-topic');
    expect(server.output()).not.toContain('[alerts watcher]');
  });

  it('a stopped web sends one mail and one webhook in time, naming the container and its fix; start: one recovery', async () => {
    const before = { mails: mails().length, hooks: hooks().length };
    // The project's own problems; Sidekiq, disk and memory read the test bed's shared backends, which others move.
    const ownProblem = new RegExp(`${PROJECT}|^(service|media|migrations)\\.`);
    const ours = <T extends Received>(list: T[], count: number) =>
      list.slice(count).filter((one) => ownProblem.test(one.problem));
    await docker('stop', '--timeout', '1', WEB);
    const stoppedAt = Date.now();
    const mail = await waitFor('the web alert by mail', () => ours(mails(), before.mails)[0], WITHIN_MS);
    const hook = await waitFor('the web alert by webhook', () => ours(hooks(), before.hooks)[0], WITHIN_MS);
    expect(mail.at - stoppedAt).toBeLessThanOrEqual(WITHIN_MS);
    expect(hook.at - stoppedAt).toBeLessThanOrEqual(WITHIN_MS);
    // Not before ALERT_AFTER_SECONDS: the hold is what keeps blips quiet.
    expect(mail.at - stoppedAt).toBeGreaterThanOrEqual(AFTER_S * 1_000);

    const fix = `Restart web (${WEB}) on the Containers page.`;
    expect(mail).toMatchObject({ kind: 'opened', problem: WEB_STOPPED });
    expect(mail.subject).toBe('[Mastodash] Critical: web is exited (mds25e.example)');
    expect(mail.text).toContain(`Fix: ${fix}`);
    expect(hook.body).toMatchObject({ kind: 'opened', problem: { id: WEB_STOPPED, fix } });
    expect(hook.body.text).toContain(WEB);

    await docker('start', WEB);
    const startedAt = Date.now();
    // A start is a Docker event: the container detector looks again within a second, no interval needed.
    await waitFor(
      'the recovery on both channels',
      () => (ours(mails(), before.mails).length >= 2 && ours(hooks(), before.hooks).length >= 2 ? true : undefined),
      MARGIN_MS,
    );
    expect(Date.now() - startedAt).toBeLessThanOrEqual(MARGIN_MS);

    // A stop shorter than ALERT_AFTER_SECONDS sends nothing; and nothing more arrives for the first stop, nor for
    // anything else of the project (web down makes no second problem).
    await docker('stop', '--timeout', '1', WEB);
    await sleep(2_000);
    await docker('start', WEB);
    await sleep(WITHIN_MS);
    const expected = [
      ['opened', WEB_STOPPED],
      ['recovered', WEB_STOPPED],
    ];
    expect(ours(mails(), before.mails).map((one) => [one.kind, one.problem])).toEqual(expected);
    expect(ours(hooks(), before.hooks).map((one) => [one.kind, one.problem])).toEqual(expected);
    expect(ours(mails(), before.mails)[1]!.subject).toBe('[Mastodash] Recovered: web is exited (mds25e.example)');
  });
});
