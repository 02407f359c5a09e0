import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS, AUDIT_OUTCOME_LABELS, AUDIT_OUTCOMES } from '@/lib/audit/actions';
import type { AuditFilter } from '@/lib/audit';

/** A plain GET form: the filter lives in the URL, so it can be bookmarked, shared and reloaded. */
export function AuditFilters({ filter }: { filter: AuditFilter }) {
  return (
    <form method="get" action="/audit" className="audit-filters" role="search" aria-label="Filter the audit log">
      <label>
        Action
        <select name="action" defaultValue={filter.action ?? ''}>
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {AUDIT_ACTION_LABELS[action]} ({action})
            </option>
          ))}
        </select>
      </label>
      <label>
        Outcome
        <select name="outcome" defaultValue={filter.outcome ?? ''}>
          <option value="">All outcomes</option>
          {AUDIT_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome === 'started' ? 'Started, not finished' : AUDIT_OUTCOME_LABELS[outcome]}
            </option>
          ))}
        </select>
      </label>
      <div className="audit-filter-buttons">
        <button type="submit">Show</button>
        {filter.action || filter.outcome || filter.beforeId ? (
          <a href="/audit" className="audit-clear">
            Clear filter
          </a>
        ) : null}
      </div>
    </form>
  );
}
