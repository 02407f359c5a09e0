/** LOCAL_DOMAIN: set, and a bare domain name. */
import { text, type Text } from '@/lib/i18n/text';

import { envUnread, isSet, where, type DoctorCheck, type DoctorContext } from '../check';
import type { Finding } from '../types';
import { listOfTexts } from '../words';

function localDomain(ctx: DoctorContext): Finding {
  const value = ctx.env.get('LOCAL_DOMAIN');
  if (!isSet(value)) {
    return {
      id: 'local-domain-missing',
      severity: 'error',
      key: 'LOCAL_DOMAIN',
      title: value === undefined ? text('doctor.localDomain.missing.title') : text('doctor.localDomain.empty.title'),
      why: text('doctor.localDomain.missing.why'),
      fix: text('doctor.localDomain.missing.fix', { envFile: ctx.envName }),
    };
  }
  const problems: Text[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) problems.push(text('doctor.localDomain.malformed.scheme'));
  if (/\s/.test(value.trim())) problems.push(text('doctor.localDomain.malformed.space'));
  if (/\/./.test(value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) || value.endsWith('/'))
    problems.push(text('doctor.localDomain.malformed.path'));
  if (value !== value.trim()) problems.push(text('doctor.localDomain.malformed.padded'));
  if (/["']/.test(value)) problems.push(text('doctor.localDomain.malformed.quotes'));
  if (problems.length > 0) {
    return {
      id: 'local-domain-malformed',
      severity: 'warning',
      key: 'LOCAL_DOMAIN',
      title: text('doctor.localDomain.malformed.title'),
      why: text('doctor.localDomain.malformed.why', { problems: listOfTexts(problems) }),
      fix: text('doctor.localDomain.malformed.fix'),
    };
  }
  return {
    id: 'local-domain-set',
    severity: 'ok',
    key: 'LOCAL_DOMAIN',
    title: text('doctor.localDomain.set.title'),
    why: text('doctor.localDomain.set.why', { where: where(ctx, 'LOCAL_DOMAIN') }),
  };
}

export const localDomainCheck: DoctorCheck = {
  name: 'local-domain',
  skip: envUnread,
  run: (ctx) => [localDomain(ctx)],
};
