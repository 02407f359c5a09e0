import { AppError, toErrorView, type ErrorView } from '../errors';
import type { PanelResult } from '../panels/panel';
import type { AttentionFinding, Severity } from './types';
import { text, type Text } from '../i18n/text';

/**
 * When a detector must look again. `poll`: every `everyMs` (a watcher runs these every ALERT_INTERVAL_SECONDS,
 * the home page at most every `everyMs`). `docker-events`: whenever one of these Docker events names a container
 * of the project (an event's action starts with the name: Docker sends `health_status: unhealthy`); its reading
 * is the live containers topic, so running it costs no Docker call. `afterJobs` adds
 * a re-check as soon as a job of that kind ends (the media fix).
 */
export type Recheck =
  | { kind: 'poll'; everyMs: number; afterJobs?: readonly string[] }
  | { kind: 'docker-events'; events: readonly string[] };

/**
 * What a detector answers when it cannot look because of a problem another detector already reports (no running
 * web: the containers detector names it, with its exit code). The page shows nothing for it, as for "nothing
 * found", but it is not that: the alert watcher ends none of the detector's problems on it (a stopped web is not
 * a fixed media folder), and the run is not remembered.
 */
export const NOT_LOOKED = Symbol('not looked');

/** A finding before the registry stamps its detector on it. */
export type Found = Omit<AttentionFinding, 'detector' | 'severity'> & { severity?: Severity };

export interface Detector {
  id: string;
  /** What it checks, in words ("the media folder"): names the finding when the check itself fails. */
  subject: Text;
  /** Its usual severity; a finding may say otherwise (a disk at 95 % is critical, at 85 % a warning). */
  severity: Severity;
  /** What it reads, in words, for docs and the alerts page. */
  reads: string;
  recheck: Recheck;
  /** Bounds the check; past it the registry reports "not answering" and the other detectors are unaffected. */
  timeoutMs: number;
  /** Finds the problems now. Throwing (or a backend that is down) becomes a finding of its own, never "all clear". */
  detect(): Promise<Found[] | typeof NOT_LOOKED>;
}

/** The data of a panel result, or its failure thrown as it was (the registry turns it into a finding). */
export function panelData<T>(result: PanelResult<T>): T {
  if (result.ok) return result.data;
  throw errorFromView(result.error);
}

export function errorFromView(view: ErrorView): AppError {
  return new AppError(view.code, view.title, view.detail, view.fix, view.logLines);
}

export function uncheckedKey(detector: Pick<Detector, 'id'>): string {
  return `${detector.id}.unchecked`;
}

/** The finding a detector produces when it could not look: its backend is down, or it did not answer in time. */
export function uncheckedFinding(detector: Detector, error: unknown): AttentionFinding {
  const view = toErrorView(error);
  return {
    key: uncheckedKey(detector),
    detector: detector.id,
    severity: 'warning',
    title: text('attention.unchecked.title', { subject: detector.subject }),
    evidence: text('attention.unchecked.evidence', { title: view.title, detail: view.detail }),
    ...(view.fix ? { detail: view.fix } : {}),
  };
}
