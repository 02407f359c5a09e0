import type { Finding as DoctorFinding } from '../../mastodon/config-doctor';
import type { PeopleCounts } from '../../mastodon/people';
import type { Found } from '../detector';
import { text } from '../../i18n/text';

/** Config-doctor problems, and what waits for a moderator: pending sign-ups and open reports. */

export function doctorFindings(findings: readonly DoctorFinding[]): Found[] {
  return findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => ({
      key: `doctor.${finding.id}${finding.key ? `:${finding.key}` : ''}${finding.service ? `:${finding.service}` : ''}`,
      severity: 'warning' as const,
      title: finding.title,
      evidence: finding.why,
      ...(finding.fix ? { detail: finding.fix } : {}),
      fix: { kind: 'link' as const, href: '/#doctor-title', label: text('attention.links.doctor') },
    }));
}

export function moderationFindings(
  counts: Pick<PeopleCounts, 'pendingSignUps' | 'openReports'>,
  localDomain?: string,
): Found[] {
  // Mastodon's admin pages when its domain is known, else the home page's people panel.
  const admin = (path: string) => (localDomain ? `https://${localDomain}${path}` : '/#people-title');
  const label = text(localDomain ? 'attention.links.reviewInMastodon' : 'attention.links.people');
  const findings: Found[] = [];
  if (counts.pendingSignUps > 0) {
    findings.push({
      key: 'people.pending-sign-ups',
      severity: 'info',
      title: text('attention.moderation.pending.title', { count: counts.pendingSignUps }),
      evidence: text('attention.moderation.pending.evidence'),
      fix: { kind: 'link', href: admin('/admin/accounts?status=pending'), label },
    });
  }
  if (counts.openReports > 0) {
    findings.push({
      key: 'people.open-reports',
      severity: 'info',
      title: text('attention.moderation.reports.title', { count: counts.openReports }),
      evidence: text('attention.moderation.reports.evidence'),
      fix: { kind: 'link', href: admin('/admin/reports'), label },
    });
  }
  return findings;
}
