import { AppError } from '../errors';
import { text } from '../i18n/text';
import { NOT_LOOKED, uncheckedFinding, uncheckedKey, type Detector } from './detector';
import { severityRank, type AttentionFinding, type AttentionReport } from './types';

/**
 * Runs detectors side by side, each within its own timeout, so that one failing or hanging detector hides none of
 * the others, and orders what they found: most severe first, then in the registry's order. Pure apart from the
 * detectors themselves; the memory of earlier runs is passed in (`DetectorMemory`), so tests and a watcher can
 * hold their own.
 */

export interface DetectorRun {
  /** Epoch ms the run started. */
  atMs: number;
  findings: AttentionFinding[];
}

/** The last run of each detector, and the newest finished job per kind when it ran (for `afterJobs`). */
export interface DetectorMemory {
  last: Map<string, DetectorRun & { jobsSeen: string | undefined }>;
}

export function newDetectorMemory(): DetectorMemory {
  return { last: new Map() };
}

export interface RunOptions {
  nowMs?: number;
  /** When a job of a kind last finished (ISO), for detectors that re-check after jobs. */
  lastFinishedJob?: (kinds: readonly string[]) => string | undefined;
  memory?: DetectorMemory;
}

function withTimeout<T>(work: Promise<T>, detector: Detector): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'timeout',
            text('attention.timeout.title', { subject: detector.subject }),
            text('attention.timeout.detail', { seconds: Math.round(detector.timeoutMs / 100) / 10 }),
          ),
        ),
      detector.timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Whether the remembered run still stands: a polled detector within its interval, no awaited job ended since. */
function stillFresh(detector: Detector, memory: DetectorMemory, options: RunOptions, nowMs: number): boolean {
  const last = memory.last.get(detector.id);
  if (!last || detector.recheck.kind !== 'poll') return false;
  if (nowMs - last.atMs >= detector.recheck.everyMs) return false;
  const kinds = detector.recheck.afterJobs;
  if (kinds && kinds.length > 0 && options.lastFinishedJob?.(kinds) !== last.jobsSeen) return false;
  return true;
}

export async function runDetector(detector: Detector): Promise<AttentionFinding[]> {
  const found = await lookOnce(detector);
  return found === NOT_LOOKED ? [] : found;
}

async function lookOnce(detector: Detector): Promise<AttentionFinding[] | typeof NOT_LOOKED> {
  try {
    // Called inside the try: a detector that throws before its first await is caught like any other.
    const found = await withTimeout(
      Promise.resolve().then(() => detector.detect()),
      detector,
    );
    if (found === NOT_LOOKED) return NOT_LOOKED;
    return found.map((finding) => ({
      ...finding,
      detector: detector.id,
      severity: finding.severity ?? detector.severity,
    }));
  } catch (error) {
    if (!(error instanceof AppError)) console.error(`[attention ${detector.id}]`, error);
    return [uncheckedFinding(detector, error)];
  }
}

export function orderFindings(findings: readonly AttentionFinding[], order: readonly string[]): AttentionFinding[] {
  const position = (finding: AttentionFinding) => {
    const index = order.indexOf(finding.detector);
    return index === -1 ? order.length : index;
  };
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
        position(a.finding) - position(b.finding) ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}

export async function runDetectors(detectors: readonly Detector[], options: RunOptions = {}): Promise<AttentionReport> {
  const nowMs = options.nowMs ?? Date.now();
  const memory = options.memory ?? newDetectorMemory();
  const results = await Promise.all(
    detectors.map(async (detector) => {
      if (stillFresh(detector, memory, options, nowMs)) return memory.last.get(detector.id)!.findings;
      const kinds = detector.recheck.kind === 'poll' ? detector.recheck.afterJobs : undefined;
      const jobsSeen = kinds && kinds.length > 0 ? options.lastFinishedJob?.(kinds) : undefined;
      const found = await lookOnce(detector);
      // A check that could not look is not remembered: the next run asks again, so a backend's return shows at once.
      if (found === NOT_LOOKED || found.some((finding) => finding.key === uncheckedKey(detector))) {
        memory.last.delete(detector.id);
      } else {
        memory.last.set(detector.id, { atMs: nowMs, findings: found, jobsSeen });
      }
      return found;
    }),
  );
  const looked = (index: number) => results[index] !== NOT_LOOKED;
  const notLooked = detectors.filter((_, index) => !looked(index)).map((detector) => detector.id);
  return {
    checkedAt: new Date(nowMs).toISOString(),
    findings: orderFindings(
      results.flatMap((found) => (found === NOT_LOOKED ? [] : found)),
      detectors.map((detector) => detector.id),
    ),
    clear: detectors
      .filter((_, index) => {
        const found = results[index];
        return found !== NOT_LOOKED && found?.length === 0;
      })
      .map((detector) => detector.id),
    ...(notLooked.length > 0 ? { notLooked } : {}),
  };
}
