import { expect } from 'vitest';

import { openServerStore } from './next-build';

/** A job as the server's store holds it. */
export interface JobRow {
  status: string;
  steps: string;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

export function readJob(dataDir: string, id: string): JobRow {
  const db = openServerStore(dataDir);
  try {
    return db.prepare('SELECT status, steps, error, started_at, finished_at FROM jobs WHERE id = ?').get(id) as JobRow;
  } finally {
    db.close();
  }
}

/** The job once it has left "running"; fails after `timeoutMs`. */
export async function finishedJob(dataDir: string, id: string, timeoutMs: number): Promise<JobRow> {
  await expect.poll(() => readJob(dataDir, id).status, { timeout: timeoutMs, interval: 200 }).not.toBe('running');
  return readJob(dataDir, id);
}

/** The job id in a server action's answer. */
export function jobIdOf(body: string): string {
  const id = /"jobId":"([A-Za-z0-9_-]+)"/.exec(body)?.[1];
  if (!id) throw new Error(`no job id in ${body.slice(0, 300)}`);
  return id;
}
