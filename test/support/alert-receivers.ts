import { afterAll, beforeAll, beforeEach } from 'vitest';

import { makeTestCertificate, startSmtpReceiver, type SmtpReceiver, type TestCertificate } from './smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface AlertReceivers {
  smtp: SmtpReceiver;
  webhook: WebhookReceiver;
  certificate: TestCertificate;
}

/**
 * The two real receivers alert tests send to, for the calling file: an SMTP server with STARTTLS (a test
 * certificate) and AUTH as `user`/`password`, and an HTTP receiver answering 200. Both start before the file's
 * tests, are emptied (and the webhook set back to 200) before each, and stop after the last. The fields are set
 * once beforeAll has run.
 */
export function setUpAlertReceivers(auth: { user: string; password: string }): AlertReceivers {
  const receivers = {} as AlertReceivers;
  beforeAll(async () => {
    receivers.certificate = makeTestCertificate();
    receivers.smtp = await startSmtpReceiver({ ...auth, certificate: receivers.certificate });
    receivers.webhook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receivers.smtp?.close();
    await receivers.webhook?.close();
    receivers.certificate?.cleanup();
  });
  beforeEach(() => {
    receivers.smtp.messages.length = 0;
    receivers.webhook.requests.length = 0;
    receivers.webhook.behave({ answer: 200 });
  });
  return receivers;
}
