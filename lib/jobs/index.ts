import 'server-only';

import { randomBytes } from 'node:crypto';

import type { ErrorView } from '../errors';
import { text } from '../i18n/text';
import { existingProcessSingleton, processSingleton } from '../process/singleton';
import { bootId, store } from '../store';
import type { JobStatus, JobStep, JobView, JobsMessage } from './types';

export type { JobProgress, JobStep, JobView, JobsMessage } from './types';

interface JobRow {
  id: string;
  kind: string;
  target: string;
  audit_id: number;
  boot_id: string;
  status: JobStatus;
  steps: string;
  result: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

const MAX_STEPS = 200;

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    auditId: row.audit_id,
    status: row.status,
    steps: JSON.parse(row.steps) as JobStep[],
    ...(row.result ? { result: JSON.parse(row.result) as Record<string, unknown> } : {}),
    ...(row.error ? { error: JSON.parse(row.error) as ErrorView } : {}),
    startedAt: new Date(row.started_at).toISOString(),
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at).toISOString() } : {}),
  };
}

/** Who hears of each job change: the live registry (lib/live/index.ts) while a browser watches jobs. */
function jobListeners(): Set<(message: JobsMessage) => void> {
  return processSingleton('jobs.listeners', () => new Set<(message: JobsMessage) => void>());
}

/** Calls `listener` with every change of every job from now on; returns the unsubscribe. */
export function onJobChange(listener: (message: JobsMessage) => void): () => void {
  const listeners = jobListeners();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(id: string): void {
  const listeners = existingProcessSingleton<Set<(message: JobsMessage) => void>>('jobs.listeners');
  if (!listeners || listeners.size === 0) return;
  const job = getJob(id);
  if (!job) return;
  for (const listener of listeners) {
    try {
      listener({ type: 'job', job });
    } catch {
      // One broken listener must not stop the job it hears about.
    }
  }
}

export function createJob(kind: string, target: string, auditId: number): JobView {
  const id = randomBytes(9).toString('base64url');
  store()
    .prepare('INSERT INTO jobs (id, kind, target, audit_id, boot_id, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(id, kind, target, auditId, bootId(), 'running', Date.now());
  publish(id);
  return getJob(id)!;
}

export function addJobStep(id: string, step: Omit<JobStep, 'at'>): void {
  const row = store().prepare('SELECT steps FROM jobs WHERE id = ?').get(id) as { steps: string } | undefined;
  if (!row) return;
  const steps = JSON.parse(row.steps) as JobStep[];
  const entry: JobStep = { at: new Date().toISOString(), ...step };
  // Counting progress (done/total) updates the last line instead of adding one per file. A step is a Text or a
  // string, and the stored one came back from JSON: the same step has the same JSON.
  const last = steps.at(-1);
  const sameStep = last !== undefined && JSON.stringify(last.step) === JSON.stringify(entry.step);
  if (last && sameStep && entry.done !== undefined) steps[steps.length - 1] = entry;
  else steps.push(entry);
  store()
    .prepare('UPDATE jobs SET steps = ? WHERE id = ?')
    .run(JSON.stringify(steps.slice(-MAX_STEPS)), id);
  publish(id);
}

export function finishJob(
  id: string,
  outcome: { status: 'succeeded'; result?: Record<string, unknown> } | { status: 'failed'; error: ErrorView },
): void {
  store()
    .prepare("UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'running'")
    .run(
      outcome.status,
      outcome.status === 'succeeded' && outcome.result ? JSON.stringify(outcome.result) : null,
      outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
      Date.now(),
      id,
    );
  publish(id);
}

export function getJob(id: string): JobView | undefined {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) return undefined;
  const row = store().prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toView(row) : undefined;
}

/** Jobs still running, and those finished in the last `recentMs`, newest first: what a page shows on load. */
export function listRecentJobs(recentMs = 10 * 60_000): JobView[] {
  const rows = store()
    .prepare("SELECT * FROM jobs WHERE status = 'running' OR finished_at > ? ORDER BY started_at DESC LIMIT 50")
    .all(Date.now() - recentMs) as JobRow[];
  return rows.map(toView);
}

/** At start-up: jobs of an earlier run that never finished were cut short; they are never resumed. */
export function markInterruptedJobs(): number {
  const error: ErrorView = {
    code: 'internal',
    title: text('jobs.interrupted.title'),
    detail: text('jobs.interrupted.detail'),
  };
  return store()
    .prepare(
      "UPDATE jobs SET status = 'interrupted', error = ?, finished_at = ? WHERE status = 'running' AND boot_id <> ?",
    )
    .run(JSON.stringify(error), Date.now(), bootId()).changes;
}
