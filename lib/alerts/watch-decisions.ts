import type { AttentionFinding, AttentionFix, Severity } from '../attention/types';
// Stopgap until the alerts' own translation (helper "alerts"): the fix line stays English.
import { inEnglish } from '../i18n/english';
import type { AlertMessage, AlertProblem } from './messages';

/**
 * The watcher's timing (issue 18, "Timing"), as a pure state machine: fed the findings of each check and the time,
 * it answers which messages to send. A problem must hold for `afterMs` before it sends "opened", so a blip sends
 * nothing; an announced problem that ends sends "recovered"; one that stays sends a reminder at most every
 * `repeatMs`. Problems are keyed on `finding.key`, which stays the same while a problem lasts.
 */

/**
 * Critical and warning findings page someone; info findings (sign-ups waiting, open reports) are work for the
 * next visit, not a reason to wake anyone: docs/design.md, "Alerts: the watcher".
 */
export const ALERTING_SEVERITIES: readonly Severity[] = ['critical', 'warning'];

/** As in `config.alerts`. */
export interface WatchTiming {
  /** How long a problem must hold before it sends a message (ALERT_AFTER_SECONDS). */
  afterMs: number;
  /** At most one reminder this often while a problem stays; 0: none (ALERT_REPEAT_HOURS). */
  repeatMs: number;
}

interface TrackedProblem {
  finding: AttentionFinding;
  sinceMs: number;
  /** When "opened" was sent; unset while the problem has not yet held long enough. */
  openedAtMs?: number;
  /** When the last message about it (opened or reminder) was sent. */
  lastToldAtMs?: number;
}

export interface WatchState {
  problems: Map<string, TrackedProblem>;
}

export function newWatchState(): WatchState {
  return { problems: new Map() };
}

/** One check's outcome: which detectors looked (a run may cover only some of them) and what they found. */
export interface WatchObservation {
  nowMs: number;
  detectors: readonly string[];
  findings: readonly AttentionFinding[];
}

/** The detector id of a "Cannot check X" finding (lib/attention/detector.ts, `uncheckedKey`). */
const UNCHECKED_SUFFIX = '.unchecked';

/** The fix in one line of words, for a message that cannot carry the dashboard's button. */
export function fixInWords(fix: AttentionFix): string {
  switch (fix.kind) {
    case 'restart':
      return `Restart ${fix.service} (${fix.container}) on the Containers page.`;
    case 'media-ownership':
      return `Use "Fix ownership" on the Media page (${fix.path} to ${fix.owner} in ${fix.container}).`;
    case 'command':
      return `Run \`${fix.command}\` ${inEnglish(fix.where)}.`;
    case 'link':
      return `${inEnglish(fix.label)}: ${fix.href}`;
  }
}

function asProblem(tracked: TrackedProblem): AlertProblem {
  const { finding } = tracked;
  return {
    id: finding.key,
    severity: finding.severity,
    title: inEnglish(finding.title),
    evidence: inEnglish(finding.evidence),
    ...(finding.fix ? { fix: fixInWords(finding.fix) } : {}),
    since: new Date(tracked.sinceMs),
  };
}

/**
 * Advances `state` by one observation and returns the messages to send, in order. A problem ends only when its
 * own detector looked and did not find it; a detector that could not look ("Cannot check X") leaves the problems
 * it owned open, since nothing is known about them (its own "Cannot check" finding is a problem of its own).
 */
export function observe(state: WatchState, observation: WatchObservation, timing: WatchTiming): AlertMessage[] {
  const { nowMs } = observation;
  const at = new Date(nowMs);
  const messages: AlertMessage[] = [];
  const looked = new Set(observation.detectors);
  const couldNotLook = new Set(
    observation.findings
      .filter((finding) => finding.key === `${finding.detector}${UNCHECKED_SUFFIX}`)
      .map((finding) => finding.detector),
  );
  const seen = new Map(
    observation.findings
      .filter((finding) => ALERTING_SEVERITIES.includes(finding.severity))
      .map((finding) => [finding.key, finding]),
  );

  for (const [key, tracked] of state.problems) {
    if (seen.has(key)) continue;
    const owner = tracked.finding.detector;
    if (!looked.has(owner) || couldNotLook.has(owner)) continue;
    state.problems.delete(key);
    if (tracked.openedAtMs !== undefined) {
      messages.push({ kind: 'recovered', problem: asProblem(tracked), endedAt: at, at });
    }
  }

  for (const [key, finding] of seen) {
    const tracked = state.problems.get(key) ?? { finding, sinceMs: nowMs };
    tracked.finding = finding;
    state.problems.set(key, tracked);
    if (tracked.openedAtMs === undefined) {
      if (nowMs - tracked.sinceMs >= timing.afterMs) {
        tracked.openedAtMs = nowMs;
        tracked.lastToldAtMs = nowMs;
        messages.push({ kind: 'opened', problem: asProblem(tracked), at });
      }
    } else if (timing.repeatMs > 0 && nowMs - (tracked.lastToldAtMs ?? tracked.openedAtMs) >= timing.repeatMs) {
      tracked.lastToldAtMs = nowMs;
      messages.push({ kind: 'reminder', problem: asProblem(tracked), at });
    }
  }
  return messages;
}

/** The problems announced and not yet recovered (for the Alerts page), oldest first. */
export function announcedProblems(state: WatchState): AlertProblem[] {
  return [...state.problems.values()]
    .filter((tracked) => tracked.openedAtMs !== undefined)
    .sort((a, b) => a.sinceMs - b.sinceMs)
    .map(asProblem);
}
