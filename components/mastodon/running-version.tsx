import { useTranslations } from 'next-intl';

import { renderText } from '@/lib/i18n/text';
import type { RunningVersion } from '@/lib/mastodon/running-version';

/**
 * The running Mastodon version and where it was read, worded the same on every page that shows it.
 * `withPassedOver` adds why the better sources gave nothing (the health panel, where that is a symptom).
 */
export function RunningVersionText({
  running,
  testId,
  withPassedOver = false,
}: {
  running: RunningVersion;
  testId: string;
  withPassedOver?: boolean;
}) {
  const t = useTranslations('common.runningVersion');
  const root = useTranslations();
  if (!running.version) {
    return (
      <span data-testid={testId} data-known="false" className="muted">
        {t('unknown', { problem: renderText(root, running.problem) })}
      </span>
    );
  }
  return (
    <span data-testid={testId} data-known="true" data-version={running.version.text} data-source={running.source}>
      <strong>{running.version.text}</strong>
      {running.version.patchKnown ? null : <span className="small"> {t('patchUnknown')}</span>}
      <span className="small muted"> {t('from', { source: renderText(root, running.from) })}</span>
      {withPassedOver && running.passedOver ? (
        <span className="small muted">
          {' '}
          {root('vitals.version.passedOver', {
            notes: running.passedOver
              .map((note) => renderText(root, note))
              .reduce((first, next) => root('vitals.version.joined', { first, next })),
          })}
        </span>
      ) : null}
    </span>
  );
}
