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
    return (
      <section className="panel graphs" aria-labelledby="graphs-title" data-testid="graphs-panel">
        <header className="panel-head">
          <h1 id="graphs-title">Memory and CPU</h1>
        </header>
        <RangePicker preset="custom" />
        <ErrorBox
          testId="range-error"
          error={{
            code: 'invalid_input',
            title: 'Not a valid range',
            detail: parsed.error.issues.map((issue) => issue.message).join('; '),
          }}
        />
      </section>
    );
  }
  const initial = await graphsPanel(parsed.data);
  return <GraphsView initial={initial} query={new URLSearchParams(params).toString()} preset={parsed.data.range} />;
}
