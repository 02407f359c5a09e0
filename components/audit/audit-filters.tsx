import { useTranslations } from 'next-intl';

import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@/lib/audit/actions';
import type { AuditFilter } from '@/lib/audit';

/** A plain GET form: the filter lives in the URL, so it can be bookmarked, shared and reloaded. */
export function AuditFilters({ filter }: { filter: AuditFilter }) {
  const t = useTranslations('audit');
  return (
    <form method="get" action="/audit" className="audit-filters" role="search" aria-label={t('filters.label')}>
      <label>
        {t('filters.action')}
        <select name="action" defaultValue={filter.action ?? ''} data-testid="audit-filter-action">
          <option value="">{t('filters.allActions')}</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {t('filters.actionOption', { label: t(`actions.${action}`), action })}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filters.outcome')}
        <select name="outcome" defaultValue={filter.outcome ?? ''} data-testid="audit-filter-outcome">
          <option value="">{t('filters.allOutcomes')}</option>
          {AUDIT_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome === 'started' ? t('filters.startedNotFinished') : t(`outcomes.${outcome}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="audit-filter-buttons">
        <button type="submit">{t('filters.show')}</button>
        {filter.action || filter.outcome || filter.beforeId ? (
          <a href="/audit" className="audit-clear">
            {t('filters.clear')}
          </a>
        ) : null}
      </div>
    </form>
  );
}
