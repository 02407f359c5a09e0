import type { ErrorText, ErrorView } from '../errors';

/** One line of a job's progress, as the browser shows it. */
export interface JobStep {
  at: string;
  /** A Text in the reader's language (a plain string is legacy English). */
  step: ErrorText;
  detail?: ErrorText;
  done?: number;
  total?: number;
  /** '%' when done is a percentage of total (100), for what cannot be counted in items. */
  unit?: '%';
}

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** A job as the browser sees it: no secret is ever part of a job (results are summaries). */
export interface JobView {
  id: string;
  kind: string;
  target: string;
  auditId: number;
  status: JobStatus;
  steps: JobStep[];
  result?: Record<string, unknown>;
  error?: ErrorView;
  startedAt: string;
  finishedAt?: string;
}

export type JobProgress = (update: Omit<JobStep, 'at'>) => void;

export type JobsMessage = { type: 'job'; job: JobView };
