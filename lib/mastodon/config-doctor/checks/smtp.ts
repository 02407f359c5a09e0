/** Outgoing mail: SMTP_SERVER set, and reachable from the container. */
import { envUnread, isSet, where, type DoctorCheck, type DoctorContext } from '../check';
import { isLoopbackHost, networkingOf } from '../compose-view';
import type { Finding } from '../types';

function smtp(ctx: DoctorContext): Finding {
  const server = ctx.env.get('SMTP_SERVER');
  if (!isSet(server)) {
    return {
      id: 'smtp-unset',
      severity: 'warning',
      key: 'SMTP_SERVER',
      title: 'No outgoing mail server (SMTP_SERVER is not set)',
      why:
        'Mastodon sends sign-up confirmations, password resets and moderation notices by mail; without a server ' +
        'they are never delivered.',
      fix:
        `Set SMTP_SERVER, SMTP_PORT (587), SMTP_LOGIN, SMTP_PASSWORD and SMTP_FROM_ADDRESS in ${ctx.envName}, ` +
        `then restart web and sidekiq.`,
    };
  }
  const networking = ctx.app ? networkingOf(ctx.app) : undefined;
  if (isLoopbackHost(server) && networking && networking.kind !== 'host') {
    return {
      id: 'smtp-localhost',
      severity: 'warning',
      key: 'SMTP_SERVER',
      title: 'SMTP_SERVER points at the container itself',
      why:
        `It names a loopback address, but ${ctx.app?.name ?? 'web'} does not use the host network: inside the ` +
        `container, localhost is the container, where no mail server listens.`,
      fix:
        'Use the mail server’s host name, or the Docker host’s address on the compose network if the relay runs ' +
        'on the server (and let it accept that network).',
    };
  }
  return {
    id: 'smtp-set',
    severity: 'ok',
    key: 'SMTP_SERVER',
    title: 'Outgoing mail is configured',
    why: `SMTP_SERVER is set in ${where(ctx, 'SMTP_SERVER')}.`,
  };
}

export const smtpCheck: DoctorCheck = { name: 'smtp', skip: envUnread, run: (ctx) => [smtp(ctx)] };
