/** Outgoing mail: SMTP_SERVER set, and reachable from the container. */
import { text } from '@/lib/i18n/text';

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
      title: text('doctor.smtp.unset.title'),
      why: text('doctor.smtp.unset.why'),
      fix: text('doctor.smtp.unset.fix', { envFile: ctx.envName }),
    };
  }
  const networking = ctx.app ? networkingOf(ctx.app) : undefined;
  if (isLoopbackHost(server) && networking && networking.kind !== 'host') {
    return {
      id: 'smtp-localhost',
      severity: 'warning',
      key: 'SMTP_SERVER',
      title: text('doctor.smtp.localhost.title'),
      why: text('doctor.smtp.localhost.why', { service: ctx.app?.name ?? 'web' }),
      fix: text('doctor.smtp.localhost.fix'),
    };
  }
  return {
    id: 'smtp-set',
    severity: 'ok',
    key: 'SMTP_SERVER',
    title: text('doctor.smtp.set.title'),
    why: text('doctor.smtp.set.why', { where: where(ctx, 'SMTP_SERVER') }),
  };
}

export const smtpCheck: DoctorCheck = { name: 'smtp', skip: envUnread, run: (ctx) => [smtp(ctx)] };
