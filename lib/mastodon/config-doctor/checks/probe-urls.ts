/** The dashboard's MASTODON_WEB_URL / MASTODON_STREAMING_URL against where the containers listen. */
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
          title: `${check.key} does not match where ${check.service} listens`,
          why:
            `${check.key}=${check.url}: ${check.mismatch}. The Mastodon panel then reports ${check.service} as ` +
            `not answering while Docker calls it healthy.`,
          fix:
            `Set ${check.key} to the address ${check.container} listens on` +
            `${check.discovered ? ` (${check.discovered} from this dashboard)` : ''}, ` +
            `or unset it: the dashboard then finds the address from the container.`,
        }
      : {
          id: 'probe-url-matches',
          severity: 'ok',
          key: check.key,
          service: check.service,
          title: `${check.key} matches where ${check.service} listens`,
          why: `${check.url} names the port ${check.container} listens on.`,
        },
  );
}

export const probeUrlsCheck: DoctorCheck = {
  name: 'probe-urls',
  run: (ctx) => probeUrlFindings(ctx.input.probeUrls ?? []),
};
