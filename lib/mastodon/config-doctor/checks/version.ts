/** Which version the checks ran against, and whether the compose file names another one. */
import { text } from '@/lib/i18n/text';

import type { DoctorCheck, DoctorContext } from '../check';
import type { Finding } from '../types';

function versionFindings(ctx: DoctorContext): Finding[] {
  const { version, versionFrom, versionNote } = ctx.input;
  if (!version) {
    return [
      {
        id: 'version-unknown',
        severity: 'warning',
        title: text('doctor.version.unknown.title'),
        why: versionNote
          ? text('doctor.version.unknown.whyNote', { note: versionNote })
          : text('doctor.version.unknown.why'),
        fix: text('doctor.version.unknown.fix'),
      },
    ];
  }
  const from = versionFrom ?? text('doctor.version.known.imageTag');
  const findings: Finding[] = [
    {
      id: 'version-known',
      severity: 'info',
      title: text('doctor.version.known.title', { version: version.text }),
      why: versionNote
        ? text('doctor.version.known.whyNote', { from, note: versionNote })
        : text('doctor.version.known.why', { from }),
    },
  ];
  const upcoming = ctx.upcoming;
  if (upcoming && upcoming.text !== version.text) {
    findings.push({
      id: 'version-differs',
      severity: 'info',
      title: text('doctor.version.differs.title', {
        composeFile: ctx.composeName,
        upcoming: upcoming.text,
        running: version.text,
      }),
      why: text('doctor.version.differs.why'),
      fix: text('doctor.version.differs.fix'),
    });
  }
  return findings;
}

export const versionCheck: DoctorCheck = { name: 'version', run: versionFindings };
