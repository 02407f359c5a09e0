import 'server-only';

import { AppError, toErrorView, type ErrorView } from '../errors';

/** Every piece of the page is a panel: it answers within its own timeout, and its failure is its own. */
export type PanelResult<T> = { ok: true; data: T; at: string } | { ok: false; error: ErrorView; at: string };

export async function runPanel<T>(name: string, timeoutMs: number, work: () => Promise<T>): Promise<PanelResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError('timeout', `${name} did not answer`, `No answer within ${Math.round(timeoutMs / 100) / 10} s.`),
        ),
      timeoutMs,
    );
  });
  try {
    const data = await Promise.race([work(), timeout]);
    return { ok: true, data, at: new Date().toISOString() };
  } catch (error) {
    if (!(error instanceof AppError)) console.error(`[panel ${name}]`, error);
    return { ok: false, error: toErrorView(error), at: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
  }
}
