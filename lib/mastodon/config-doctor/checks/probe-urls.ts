/** The dashboard's MASTODON_WEB_URL / MASTODON_STREAMING_URL against where the containers listen. */
import { text } from '@/lib/i18n/text';

import type { DoctorCheck } from '../check';
import type { Finding, ProbeUrlCheck } from '../types';

function probeUrlFindings(checks: readonly ProbeUrlCheck[]): Finding[] {
  return checks.map((check): Finding =>
    check.mismatch
      ? {
          id: 'probe-url-differs',
          severity: 'warning',
          key: check.key,
          service: check.service,
          title: text('doctor.probeUrls.differs.title', { key: check.key, service: check.service }),
          why: text('doctor.probeUrls.differs.why', {
            key: check.key,
            url: check.url,
            mismatch: check.mismatch,
            service: check.service,
          }),
          fix: check.discovered
            ? text('doctor.probeUrls.differs.fixDiscovered', {
                key: check.key,
                container: check.container,
                discovered: check.discovered,
              })
            : text('doctor.probeUrls.differs.fix', { key: check.key, container: check.container }),
        }
      : {
          id: 'probe-url-matches',
          severity: 'ok',
          key: check.key,
          service: check.service,
          title: text('doctor.probeUrls.matches.title', { key: check.key, service: check.service }),
          why: text('doctor.probeUrls.matches.why', { url: check.url, container: check.container }),
        },
  );
}

export const probeUrlsCheck: DoctorCheck = {
  name: 'probe-urls',
  run: (ctx) => probeUrlFindings(ctx.input.probeUrls ?? []),
};
