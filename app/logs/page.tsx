import { ContainerPicker } from '@/components/logs/container-picker';
import { LogView } from '@/components/logs/log-view';
import { ErrorBox } from '@/components/ui/error-box';
import { requireSession } from '@/lib/auth/guard';
import { listProjectContainers } from '@/lib/docker/containers';
import { findAppContainer } from '@/lib/mastodon/app-container';
import { containerLogsPanel } from '@/lib/panels/logs';
import { runPanel } from '@/lib/panels/panel';
import { getTranslate } from '@/lib/i18n/server';
import { decodeText, renderText, text } from '@/lib/i18n/text';
import { containerRefSchema } from '@/lib/validations/containers';

// The last lines are read per request; the follow continues from there in the browser.
export const dynamic = 'force-dynamic';

const TAIL = 200;

export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const requested = (await searchParams).container;
  const listing = runPanel(text('errors.panels.containerList'), 10_000, listProjectContainers);

  if (requested !== undefined) {
    const parsed = containerRefSchema.safeParse(Array.isArray(requested) ? requested[0] : requested);
    if (!parsed.success) {
      const containers = await listing;
      const translate = await getTranslate();
      return (
        <>
          <ContainerPicker containers={containers.ok ? containers.data : []} current={undefined} />
          <ErrorBox
            testId="log-error"
            error={{
              code: 'invalid_input',
              title: text('logs.errors.notAContainer.title'),
              detail: parsed.error.issues.map((issue) => renderText(translate, decodeText(issue.message))).join('; '),
            }}
          />
        </>
      );
    }
    const [containers, initial] = await Promise.all([listing, containerLogsPanel(parsed.data, TAIL)]);
    const name = initial.ok ? initial.data.container.name : parsed.data;
    return (
      <>
        <ContainerPicker containers={containers.ok ? containers.data : []} current={name} />
        <LogView key={name} container={name} initial={initial} />
      </>
    );
  }

  // No choice yet: web (else sidekiq, else the first), by compose label, like every other page.
  const containers = await listing;
  if (!containers.ok) return <ErrorBox error={containers.error} testId="log-error" />;
  const fallback = findAppContainer(containers.data, { running: false }) ?? containers.data[0];
  if (!fallback) {
    return (
      <ErrorBox
        testId="log-error"
        error={{
          code: 'not_found',
          title: text('logs.errors.noContainers.title'),
          detail: text('logs.errors.noContainers.detail'),
        }}
      />
    );
  }
  const initial = await containerLogsPanel(fallback.name, TAIL);
  return (
    <>
      <ContainerPicker containers={containers.data} current={fallback.name} />
      <LogView key={fallback.name} container={fallback.name} initial={initial} />
    </>
  );
}
