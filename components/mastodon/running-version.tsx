import { useTranslations } from 'next-intl';

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
  if (!running.version) {
    return (
      <span data-testid={testId} data-known="false" className="muted">
        {t('unknown', { problem: running.problem })}
      </span>
    );
  }
  return (
    <span data-testid={testId} data-known="true" data-version={running.version.text} data-source={running.source}>
      <strong>{running.version.text}</strong>
      {running.version.patchKnown ? null : <span className="small"> {t('patchUnknown')}</span>}
      <span className="small muted"> {t('from', { source: running.source })}</span>
      {withPassedOver && running.passedOver ? (
        <span className="small muted">{` (${running.passedOver.join('; ')})`}</span>
      ) : null}
    </span>
  );
}
