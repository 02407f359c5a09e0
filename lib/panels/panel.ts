import 'server-only';

import { AppError, toErrorView, type ErrorView } from '../errors';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';

/** Every piece of the page is a panel: it answers within its own timeout, and its failure is its own. */
export type PanelResult<T> = { ok: true; data: T; at: string } | { ok: false; error: ErrorView; at: string };

/** `name` says which piece did not answer, in the reader's language: one of `errors.panels.*`. */
export async function runPanel<T>(name: Text, timeoutMs: number, work: () => Promise<T>): Promise<PanelResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'timeout',
            text('errors.panelTimeout.title', { name }),
            text('errors.panelTimeout.detail', { seconds: Math.round(timeoutMs / 100) / 10 }),
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const data = await Promise.race([work(), timeout]);
    return { ok: true, data, at: new Date().toISOString() };
  } catch (error) {
    if (!(error instanceof AppError)) console.error(`[panel ${inEnglish(name)}]`, error);
    return { ok: false, error: toErrorView(error), at: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
  }
}
