import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import type { AuditRecordView } from '@/lib/audit';

import { outcomeDisplay } from './format';

export function OutcomeBadge({ record }: { record: Pick<AuditRecordView, 'outcome' | 'running'> }) {
  const { word, tone } = outcomeDisplay(record);
  return (
    <Badge tone={tone} testId="audit-outcome">
      <TranslatedText text={word} />
    </Badge>
  );
}
