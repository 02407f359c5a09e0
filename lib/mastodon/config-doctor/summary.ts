/** The doctor's findings counted, and said in one line. */
import { text, type Text } from '@/lib/i18n/text';

import type { Finding, Severity } from './types';

export interface DoctorSummary {
  problems: number;
  warnings: number;
  notes: number;
  passed: number;
}

export function summarizeFindings(findings: readonly Finding[]): DoctorSummary {
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return { problems: count('error'), warnings: count('warning'), notes: count('info'), passed: count('ok') };
}

/** "2 problems, 3 warnings, 14 checks passed". */
export function summaryLine(summary: DoctorSummary): Text {
  const { problems, warnings, notes, passed } = summary;
  return notes > 0
    ? text('doctor.summary.withNotes', { problems, warnings, notes, passed })
    : text('doctor.summary.line', { problems, warnings, passed });
}
