import { describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { PEOPLE_SQL, REGISTRATIONS_HREF, parsePeopleRow, registrationModeView } from '@/lib/mastodon/people';
import { interpretRegistrations, type RegistrationOverridesEnv, type VersionInfo } from '@/lib/mastodon/registrations';
import { text } from '@/lib/i18n/text';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';

import { english } from '../../support/rendered-texts';

const ENV: RegistrationOverridesEnv = {
  singleUserMode: false,
  autoApprovedSwitchDisabled: false,
  emailDomainAllowlist: false,
};
const v43: VersionInfo = {
  version: parseMastodonVersion('4.3.17') as MastodonVersion,
  source: 'web',
  from: text('vitals.probe.other', { message: 'web' }),
};

describe('parsePeopleRow', () => {
  it("turns pg's bigint and numeric strings into numbers and keeps the Owners in order", () => {
    const counts = parsePeopleRow({
      users: '5',
      local_posts: '183',
      pending: '1',
      open_reports: '0',
      owners: [
        { username: 'alice', confirmed: true, approved: true, disabled: false, suspended: false },
        { username: 'zed', confirmed: false, approved: false, disabled: true, suspended: true },
      ],
    });
    expect(counts).toEqual({
      users: 5,
      localPosts: 183,
      pendingSignUps: 1,
      openReports: 0,
      owners: [
        { username: 'alice', confirmed: true, approved: true, disabled: false, suspended: false },
        { username: 'zed', confirmed: false, approved: false, disabled: true, suspended: true },
      ],
    });
  });

  it('reads counts beyond 2^31 (sum over account_stats is numeric)', () => {
    expect(
      parsePeopleRow({ users: 0, local_posts: '4294967301', pending: 0, open_reports: 0, owners: [] }).localPosts,
    ).toBe(4_294_967_301);
  });

  it('treats a missing Owners list as none', () => {
    expect(
      parsePeopleRow({ users: '1', local_posts: '0', pending: '0', open_reports: '0', owners: null }).owners,
    ).toEqual([]);
  });

  it('refuses a value that is not a count, instead of showing NaN', () => {
    expect(() => parsePeopleRow({ users: 'x', local_posts: '0', pending: '0', open_reports: '0', owners: [] })).toThrow(
      AppError,
    );
    expect(() =>
      parsePeopleRow({ users: '-1', local_posts: '0', pending: '0', open_reports: '0', owners: [] }),
    ).toThrow(/users/);
  });
});

describe('PEOPLE_SQL', () => {
  it("uses Mastodon's own definitions", () => {
    const sql = PEOPLE_SQL.replace(/\s+/g, ' ');
    expect(sql).toContain('WHERE u.confirmed_at IS NOT NULL AND a.suspended_at IS NULL');
    expect(sql).toContain('sum(s.statuses_count)');
    expect(sql).toContain('WHERE a.domain IS NULL');
    expect(sql).toContain('WHERE approved = false');
    expect(sql).toContain('WHERE action_taken_at IS NULL');
    expect(sql).toContain('WHERE (r.permissions & 1) = 1');
    expect(sql).not.toMatch(/FROM statuses/);
  });
});

describe('registrationModeView', () => {
  it('shows a stored mode with its label and the link to change it', () => {
    const settings = interpretRegistrations({
      rows: { registrations_mode: '--- approved\n' },
      version: v43,
      schema: 'thing-columns',
      env: ENV,
    });
    expect(english(registrationModeView(settings))).toEqual({
      mode: 'approved',
      label: 'Approval required',
      source: 'stored',
      effective: 'approved',
      overrides: [],
      href: REGISTRATIONS_HREF,
    });
    expect(REGISTRATIONS_HREF).toBe('/registrations');
  });

  /** The mode's view on Mastodon 4.3 with thing-columns settings, its Texts in English. */
  const viewOn43 = (rows: Record<string, string>, env = ENV) =>
    english(registrationModeView(interpretRegistrations({ rows, version: v43, schema: 'thing-columns', env })));

  it("marks the version's default, closed from 4.2.8", () => {
    const view = viewOn43({});
    expect(view).toMatchObject({ mode: 'none', label: 'Closed', source: 'default', effective: 'closed' });
  });

  it('names an unrecognised stored value and carries the overrides', () => {
    const view = viewOn43({ registrations_mode: '--- maybe\n' }, { ...ENV, singleUserMode: true });
    expect(view.mode).toBeUndefined();
    expect(view.label).toBe('Unrecognised (the text "maybe")');
    expect(view.effective).toBe('closed');
    expect(view.overrides.map((o) => o.code)).toEqual(['single_user_mode', 'unrecognised_mode']);
  });

  it('warns that 4.2.8+ may switch open registrations to approval', () => {
    const view = viewOn43({ registrations_mode: '--- open\n' });
    expect(view).toMatchObject({ mode: 'open', label: 'Open', effective: 'open' });
    expect(view.overrides.map((o) => o.code)).toEqual(['auto_switch_to_approved']);
  });
});
