import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { withIntl } from '@/test/support/intl';

import { LogView } from '@/components/logs/log-view';
import type { LogLine } from '@/lib/docker/log-types';
import type { Locale } from '@/lib/i18n/locales';
import type { ContainerLogsData } from '@/lib/panels/logs';
import { summariseFindings } from '@/lib/mastodon/log-recognisers';
import type { PanelResult } from '@/lib/panels/panel';

const AT = '2026-11-26T17:14:46.281Z';

function line(n: number, text: string, stream: LogLine['stream'] = 'stdout'): LogLine {
  return { at: AT, ts: `2026-11-26T17:14:46.28184382${n}Z`, stream, text };
}

const EACCES = '[68d5] Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):';
const lines = [
  line(1, '[1104] method=GET path=/health format=*/* controller=HealthController action=show status=200 duration=0.31'),
  line(2, EACCES),
  line(3, 'some warning on stderr', 'stderr'),
];

function render(initial: PanelResult<ContainerLogsData>, locale: Locale = 'en'): string {
  return renderToStaticMarkup(withIntl(createElement(LogView, { container: 'mdtest-web-1', initial }), locale));
}

describe('LogView (server render)', () => {
  const html = render({
    ok: true,
    at: AT,
    data: {
      container: { id: 'abc', name: 'mdtest-web-1', service: 'web', state: 'running' },
      lines,
      truncated: false,
      tail: 200,
      fetchedAt: AT,
      findings: summariseFindings(lines),
    },
  });

  it('renders each line, the Errno::EACCES line recognised and highlighted, with the permission-fix link', () => {
    expect(html.match(/data-testid="log-line"/g)).toHaveLength(3);
    expect(html).toMatch(
      /data-testid="log-line" data-level="error" data-stream="stdout" data-recognised="media-eacces"/,
    );
    expect(html).toMatch(/data-testid="log-line" data-level="normal" data-stream="stdout">/);
    expect(html).toMatch(/data-testid="log-line" data-level="stderr" data-stream="stderr">/);
    expect(html).toMatch(/<a class="[^"]*" href="\/media" data-testid="log-fix">Fix media permissions<\/a>/);
  });

  it('shows the findings summary at the top, with the fix, and the controls with their test ids', () => {
    expect(html.indexOf('data-testid="log-findings"')).toBeLessThan(html.indexOf('data-testid="log-lines"'));
    expect(html).toMatch(/data-testid="log-finding" data-finding="media-eacces" data-severity="error"/);
    expect(html).toContain('data-testid="log-finding-fix"');
    expect(html).toContain('data-testid="log-filter"');
    expect(html).toMatch(/aria-pressed="true" data-testid="log-follow" data-state="on"/);
    expect(html).toContain('data-testid="log-download"');
    expect(html).toMatch(/data-testid="log-follow-state" data-state="connecting"/);
  });

  it('shows a failed read as an error box and still renders the view for the live follow', () => {
    const failed = render({
      ok: false,
      at: AT,
      error: { code: 'docker_daemon_down', title: 'Docker is down: nothing answers', detail: 'x' },
    });
    expect(failed).toMatch(/data-testid="log-error" data-code="docker_daemon_down"/);
    expect(failed).toContain('data-testid="log-lines"');
    expect(failed).toContain('No lines yet.');
  });

  it('speaks German', () => {
    const failed = render(
      {
        ok: false,
        at: AT,
        error: { code: 'docker_daemon_down', title: 'Docker is down: nothing answers', detail: 'x' },
      },
      'de',
    );
    expect(failed).toContain('<h1 id="log-title">Log von mdtest-web-1</h1>');
    expect(failed).toContain('Noch keine Zeilen.');
    expect(failed).toContain('Kein bekanntes Problem in diesen Zeilen.');
    expect(failed).toMatch(/data-testid="log-follow" data-state="on">Verfolgen: an</);
  });
});
