import { getTranslations } from 'next-intl/server';

import { getTranslate } from '@/lib/i18n/server';
import { decodeText, renderText, text } from '@/lib/i18n/text';

import { GraphsView } from '@/components/metrics/graphs-view';
import { RangePicker } from '@/components/metrics/range-picker';
import { ErrorBox } from '@/components/ui/error-box';
import { requireSession } from '@/lib/auth/guard';
import { graphsPanel } from '@/lib/panels/metrics';
import { metricsRangeSchema, rangeParams } from '@/lib/validations/metrics';

export const dynamic = 'force-dynamic';

export default async function GraphsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const params = rangeParams(await searchParams);
  const parsed = metricsRangeSchema.safeParse(params);
  if (!parsed.success) {
    const t = await getTranslations('graphs');
    const translate = await getTranslate();
    return (
      <section className="panel graphs" aria-labelledby="graphs-title" data-testid="graphs-panel">
        <header className="panel-head">
          <h1 id="graphs-title">{t('title')}</h1>
        </header>
        <RangePicker preset="custom" />
        <ErrorBox
          testId="range-error"
          error={{
            code: 'invalid_input',
            title: text('graphs.invalidRange'),
            detail: parsed.error.issues.map((issue) => renderText(translate, decodeText(issue.message))).join('; '),
          }}
        />
      </section>
    );
  }
  const initial = await graphsPanel(parsed.data);
  return <GraphsView initial={initial} query={new URLSearchParams(params).toString()} preset={parsed.data.range} />;
}
