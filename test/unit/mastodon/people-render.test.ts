import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import type { Locale } from '@/lib/i18n/locales';
import { withIntl } from '@/test/support/intl';

import { PeoplePanel } from '@/components/vitals/people-panel';
import type { PanelResult } from '@/lib/panels/panel';
import type { PeoplePanelData } from '@/lib/panels/people';

const AT = '2026-11-26T12:00:00.000Z';

function render(initial: PanelResult<PeoplePanelData>, locale: Locale = 'en'): string {
  return renderToString(withIntl(createElement(PeoplePanel, { initial }), locale));
}

const DATA: PeoplePanelData = {
  users: 12_345,
  localPosts: 987_654,
  pendingSignUps: 3,
  openReports: 0,
  owners: [
    { username: 'alice', confirmed: true, approved: true, disabled: false, suspended: false },
    { username: 'bob', confirmed: false, approved: false, disabled: true, suspended: true },
  ],
  registrations: {
    ok: true,
    at: AT,
    data: {
      mode: 'approved',
      label: { key: 'registrations.modes.approved' },
      source: 'stored',
      effective: 'approved',
      overrides: [],
      href: '/registrations',
    },
  },
};

describe('PeoplePanel (server render)', () => {
  it('shows the four figures large, with separators, and flags pending sign-ups', () => {
    const html = render({ ok: true, at: AT, data: DATA });
    expect(html).toMatch(/data-testid="people-users" data-value="12345">.*12,345/);
    expect(html).toMatch(/data-testid="people-posts" data-value="987654">.*987,654/);
    expect(html).toMatch(/class="[^"]*figureWarn[^"]*" data-testid="people-pending"/);
    expect(html).not.toMatch(/class="[^"]*figureWarn[^"]*" data-testid="people-reports"/);
  });

  it('lists the Owners with what keeps them from signing in', () => {
    const html = render({ ok: true, at: AT, data: DATA });
    const bob = /data-username="bob">(.*?)<\/li>/.exec(html)?.[1] ?? '';
    expect(bob).toContain('Unconfirmed');
    expect(bob).toContain('Pending approval');
    expect(bob).toContain('Disabled');
    expect(bob).toContain('Suspended');
    expect(/data-username="alice">(.*?)<\/li>/.exec(html)?.[1]).toContain('Can sign in');
  });

  it('says when there is no Owner', () => {
    expect(render({ ok: true, at: AT, data: { ...DATA, owners: [] } })).toContain('data-testid="people-owners-empty"');
  });

  it('shows the registration mode with a link to change it, also when it cannot be read', () => {
    expect(render({ ok: true, at: AT, data: DATA })).toMatch(
      /Approval required.*href="\/registrations" data-testid="people-registrations-change"/,
    );
    const failed = render({
      ok: true,
      at: AT,
      data: {
        ...DATA,
        registrations: {
          ok: false,
          at: AT,
          error: { code: 'timeout', title: 'Registration mode did not answer', detail: 'No answer within 8 s.' },
        },
      },
    });
    expect(failed).toContain('data-testid="people-registrations-error" data-code="timeout"');
    expect(failed).toContain('data-testid="people-registrations-change"');
    expect(failed).toContain('data-testid="people-users"');
  });

  it('shows a failed panel through the ErrorBox', () => {
    const html = render({
      ok: false,
      at: AT,
      error: {
        code: 'postgres_unreachable',
        title: "Mastodon's Postgres is down",
        detail: 'db:5432',
        fix: 'Start it.',
      },
    });
    expect(html).toContain('data-testid="people-error" data-code="postgres_unreachable"');
    expect(html).not.toContain('data-testid="people-users"');
  });

  it("reads in German, in Mastodon's words, with German separators", () => {
    const html = render({ ok: true, at: AT, data: DATA }, 'de');
    expect(html).toContain('Personen und Moderation');
    expect(html).toContain('Benutzer*innen');
    expect(html).toContain('Lokale Beiträge');
    expect(html).toContain('Offene Meldungen');
    expect(html).toContain('Registrierungen');
    expect(html).toMatch(/data-testid="people-users" data-value="12345">.*12\.345/);
    expect(html).not.toContain('Pending sign-ups');
  });
});
