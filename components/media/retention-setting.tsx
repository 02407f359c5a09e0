'use client';

import { useActionState, useState } from 'react';
import { useTranslations } from 'next-intl';

import { changeRetentionAction } from '@/app/media/actions';
import { ReauthDialog } from '@/components/auth/reauth-dialog';
import { ErrorBox } from '@/components/ui/error-box';
import { FieldError } from '@/components/ui/field-error';
import {
  RETENTION_FACTS,
  RETENTION_MAX_DAYS,
  retentionStateKey,
  type RetentionSetting,
} from '@/lib/mastodon/retention/facts';

import styles from './media-breakdown.module.css';

type T = ReturnType<typeof useTranslations<'media.retention'>>;

function describeValue(t: T, setting: RetentionSetting): string {
  if (setting.days !== undefined) {
    const days = t('value.days', { days: setting.days });
    return setting.source === 'default' ? t('value.default', { days }) : days;
  }
  if (setting.ignored) return t('value.ignored', { value: setting.ignored });
  return t('value.never');
}

function describeRows(t: T, rows: readonly { how: string; value: string }[]): string {
  return rows
    .map((row) => t(row.how === 'inserted' ? 'rowInserted' : 'rowUpdated', { value: JSON.stringify(row.value) }))
    .join('; ');
}

/**
 * One of Mastodon's retention periods: its value as stored (or the default), what it deletes in Mastodon's own
 * words, and, while nothing is deleted, the form that sets it in one click. The remote content period is offered
 * with an empty field and a required confirmation: it deletes other servers' posts for good.
 */
export function RetentionSettingRow({ initial }: { initial: RetentionSetting }) {
  const t = useTranslations('media.retention');
  type Answer = Awaited<ReturnType<typeof changeRetentionAction>> | null;
  const [result, submit, pending] = useActionState<Answer, FormData>(changeRetentionAction, null);
  const [cancelled, setCancelled] = useState<Answer>(null);
  const after = result?.ok && result.data.after.ok ? result.data.after.settings : undefined;
  const setting = after?.find((entry) => entry.name === initial.name) ?? initial;
  const facts = RETENTION_FACTS[setting.name];
  const refusal = result && !result.ok && result !== cancelled ? result : undefined;
  const askingPassword = refusal?.error.code === 'reauth_required';
  const errors = refusal?.fieldErrors;
  const name = setting.name;

  return (
    <div
      className={facts.danger ? `${styles.setting} ${styles.danger}` : styles.setting}
      data-testid={`retention-${name}`}
      data-state={retentionStateKey(setting)}
    >
      <div className={styles.settingHead}>
        <strong>{t(`facts.${name}.label`)}</strong>
        <code className="small">{name}</code>
        {facts.danger ? <span className="badge badge-bad">{t('dangerZone')}</span> : null}
      </div>
      <p className={styles.value} data-testid={`retention-${name}-value`}>
        {describeValue(t, setting)}
      </p>
      <p className="muted small">{t(`facts.${name}.meaning`)}</p>
      {setting.days === undefined ? (
        <form action={submit} className={styles.setForm} data-testid={`retention-${name}-form`}>
          <input type="hidden" name="setting" value={name} />
          <input type="hidden" name="from" value={retentionStateKey(setting)} />
          {facts.suggestedDays !== undefined ? (
            <>
              <input type="hidden" name="days" value={facts.suggestedDays} />
              <button type="submit" disabled={pending} data-testid={`retention-${name}-set`}>
                {pending ? t('saving') : t('setTo', { days: facts.suggestedDays })}
              </button>
            </>
          ) : (
            <>
              <label>
                {t('deleteOlder')}{' '}
                <input
                  className={styles.days}
                  type="number"
                  name="days"
                  min={1}
                  max={RETENTION_MAX_DAYS}
                  required
                  data-testid={`retention-${name}-days`}
                />{' '}
                {t('days')}
              </label>
              <label>
                <input type="checkbox" name="understood" required data-testid={`retention-${name}-understood`} />{' '}
                {t('understood')}
              </label>
              <button type="submit" disabled={pending} data-testid={`retention-${name}-set`}>
                {pending ? t('saving') : t('set')}
              </button>
            </>
          )}
          <FieldError errors={errors?.days ?? errors?.understood ?? errors?.from ?? errors?.setting} />
          {refusal && askingPassword ? (
            <ReauthDialog errors={refusal.fieldErrors?.password} onCancel={() => setCancelled(refusal)} />
          ) : null}
        </form>
      ) : null}
      {refusal && !askingPassword ? <ErrorBox error={refusal.error} testId={`retention-${name}-error`} /> : null}
      {result?.ok ? (
        <div role="status" data-testid={`retention-${name}-done`}>
          <p className="action-ok">
            {t('saved', { id: result.auditId, rows: describeRows(t, result.data.rowsWritten) })}
          </p>
          {'error' in result.data.cache ? (
            <ErrorBox error={result.data.cache.error} note={t('cacheNote')} />
          ) : (
            <p className="small muted">
              {t('cacheRemoved')}{' '}
              {[...result.data.cache.removedFirst, ...result.data.cache.removedSecond].length === 0
                ? t('noneCached')
                : [...result.data.cache.removedFirst, ...result.data.cache.removedSecond].join(', ')}
            </p>
          )}
          {!result.data.after.ok ? <ErrorBox error={result.data.after.error} /> : null}
        </div>
      ) : null}
    </div>
  );
}
