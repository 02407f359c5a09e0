/** The doctor's findings counted, and said in one line. */
import type { Finding, Severity } from './types';
import { plural } from './words';

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
export function summaryLine(summary: DoctorSummary): string {
  const parts = [plural(summary.problems, 'problem'), plural(summary.warnings, 'warning')];
  if (summary.notes > 0) parts.push(plural(summary.notes, 'note'));
  parts.push(`${plural(summary.passed, 'check')} passed`);
  return parts.join(', ');
}
