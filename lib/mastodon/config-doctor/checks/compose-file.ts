/** Whether the compose file was read, and the override files Compose would merge in that the doctor does not read. */
import { text } from '@/lib/i18n/text';

import type { DoctorCheck, DoctorContext } from '../check';
import type { Finding } from '../types';

function composeFileFindings(ctx: DoctorContext): Finding[] {
  const { composeProblem, overrideFiles = [] } = ctx.input;
  const findings: Finding[] = [];
  if (composeProblem) {
    findings.push(
      composeProblem.kind === 'invalid'
        ? {
            id: 'compose-invalid',
            severity: 'warning',
            title: text('doctor.compose.invalid.title', { composeFile: ctx.composeName }),
            why: text('doctor.compose.invalid.why', { detail: composeProblem.detail }),
            fix: text('doctor.compose.invalid.fix'),
          }
        : {
            id: 'compose-missing',
            severity: 'info',
            title: text('doctor.compose.missing.title'),
            why: text('doctor.compose.missing.why', { detail: composeProblem.detail }),
          },
    );
  }
  for (const file of overrideFiles) {
    findings.push({
      id: 'compose-override',
      severity: 'info',
      title: text('doctor.compose.override.title', { file }),
      why: text('doctor.compose.override.why', { file, composeFile: ctx.composeName }),
    });
  }
  return findings;
}

export const composeFileCheck: DoctorCheck = { name: 'compose-file', run: composeFileFindings };
