/** LOCAL_DOMAIN: set, and a bare domain name. */
import { envUnread, isSet, where, type DoctorCheck, type DoctorContext } from '../check';
import type { Finding } from '../types';
import { list } from '../words';

function localDomain(ctx: DoctorContext): Finding {
  const value = ctx.env.get('LOCAL_DOMAIN');
  if (!isSet(value)) {
    return {
      id: 'local-domain-missing',
      severity: 'error',
      key: 'LOCAL_DOMAIN',
      title: value === undefined ? 'LOCAL_DOMAIN is missing' : 'LOCAL_DOMAIN is empty',
      why:
        'Without it Mastodon names itself localhost:3000 (config/initializers/1_hosts.rb), and the domain ' +
        'becomes part of every account and post: it cannot be changed once the server has federated.',
      fix: `Set LOCAL_DOMAIN=your.domain in ${ctx.envName} before the first start.`,
    };
  }
  const problems: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) problems.push('it starts with a scheme such as https://');
  if (/\s/.test(value.trim())) problems.push('it contains a space');
  if (/\/./.test(value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) || value.endsWith('/'))
    problems.push('it contains a path (/)');
  if (value !== value.trim()) problems.push('it has leading or trailing spaces');
  if (/["']/.test(value)) problems.push('it contains quote characters');
  if (problems.length > 0) {
    return {
      id: 'local-domain-malformed',
      severity: 'warning',
      key: 'LOCAL_DOMAIN',
      title: 'LOCAL_DOMAIN does not look like a bare domain name',
      why: `LOCAL_DOMAIN must be a host name only (like example.social); ${list(problems)}.`,
      fix:
        'Write the domain alone, without scheme, path or spaces. If the server has already federated, do not ' +
        'change it; ask for help instead.',
    };
  }
  return {
    id: 'local-domain-set',
    severity: 'ok',
    key: 'LOCAL_DOMAIN',
    title: 'LOCAL_DOMAIN is set',
    why: `A bare domain name in ${where(ctx, 'LOCAL_DOMAIN')}.`,
  };
}

export const localDomainCheck: DoctorCheck = {
  name: 'local-domain',
  skip: envUnread,
  run: (ctx) => [localDomain(ctx)],
};
