/**
 * What the "Needs attention" list shows, shared by the server and the browser (types only, no server code): a
 * finding is one problem with one line of evidence and its fix.
 *
 * Words are Texts (lib/i18n/text.ts), rendered in the reader's language on the page and in ALERT_LOCALE in a mail
 * (`renderText(translatorFor(locale), finding.title)`). A plain string is legacy English (a doctor finding not yet
 * converted); renderText passes it through.
 */
import type { Text } from '../i18n/text';

/** A finding's words: a Text, or (legacy) an English string. */
export type AttentionText = Text | string;

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The fix of a finding: the dashboard's own button where one exists (a restart, the media ownership fix), else
 * the exact command to run or a page to open.
 */
export type AttentionFix =
  | { kind: 'restart'; container: string; service: string }
  | { kind: 'media-ownership'; container: string; path: string; owner: string }
  | { kind: 'command'; command: string; where: AttentionText }
  | { kind: 'link'; href: string; label: AttentionText };

export interface AttentionFinding {
  /** Stable while the problem lasts (`container.exited:mdtest-web-1`): what a watcher keys its timers on. */
  key: string;
  /** The detector that found it. */
  detector: string;
  severity: Severity;
  title: AttentionText;
  /** One line: what was seen, and where. */
  evidence: AttentionText;
  /** Longer detail, folded away on the page. */
  detail?: AttentionText;
  fix?: AttentionFix;
}

export interface AttentionReport {
  /** When the detectors last ran (ISO); "All clear" shows it. */
  checkedAt: string;
  /** Most severe first; within a severity, in the registry's order. */
  findings: AttentionFinding[];
  /** Detector ids that ran and found nothing, for "All clear" and the tests. */
  clear: string[];
  /** Detector ids that answered NOT_LOOKED (lib/attention/detector.ts): neither clear nor a finding. */
  notLooked?: string[];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
