import { describe, expect, it } from 'vitest';

import {
  cacheKeyPrefix,
  cachePatterns,
  interpretFlag,
  interpretRegistrations,
  interpretText,
  modeKey,
  type RegistrationOverridesEnv,
  type VersionInfo,
} from '@/lib/mastodon/registrations';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText, text, type Text } from '@/lib/i18n/text';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import { changeRegistrationsSchema } from '@/lib/validations/registrations';

const german = (message: Text | undefined) => (message ? renderText(translatorFor('de'), message) : '');
const english = (message: Text | undefined) => (message ? inEnglish(message) : '');

const v = (version: string): VersionInfo => ({
  version: parseMastodonVersion(version) as MastodonVersion,
  source: 'web',
  from: text('vitals.probe.other', { message: 'web' }),
});
const UNKNOWN: VersionInfo = {
  problem: text('vitals.probe.other', { message: 'the image tag "latest" names no version' }),
};
const ENV: RegistrationOverridesEnv = {
  singleUserMode: false,
  autoApprovedSwitchDisabled: false,
  emailDomainAllowlist: false,
};

describe('interpretRegistrations: mode, stored or default', () => {
  it('reads a stored mode, whatever YAML form it has', () => {
    for (const raw of [
      '--- approved\n',
      '--- approved',
      '--- approved\n...\n',
      "--- 'approved'\n",
      '--- "approved"\n',
    ]) {
      const state = interpretRegistrations({
        rows: { registrations_mode: raw },
        version: v('4.3.17'),
        schema: 'thing-columns',
        env: ENV,
      });
      expect(state.mode).toEqual({ source: 'stored', raw, mode: 'approved' });
      expect(state.effective).toBe('approved');
    }
  });

  it.each([
    ['4.0.2', 'open'],
    ['4.2.7', 'open'],
    // The backport of mastodon/mastodon#29353 closes registrations by default from 4.2.8 (config/settings.yml).
    ['4.2.8', 'none'],
    ['4.2.12', 'none'],
    ['4.3.0', 'none'],
    ['4.3.17', 'none'],
    ['4.4.4', 'none'],
  ])('without a row, Mastodon %s defaults to %s', (version, mode) => {
    const state = interpretRegistrations({ rows: {}, version: v(version), schema: 'thing-columns', env: ENV });
    expect(state.mode).toEqual({ source: 'default', mode });
    expect(state.effective).toBe(mode === 'none' ? 'closed' : 'open');
  });

  it('says the default is unknown when the version is, on the 4.0–4.3 shape', () => {
    const state = interpretRegistrations({ rows: {}, version: UNKNOWN, schema: 'thing-columns', env: ENV });
    expect(state.mode.mode).toBeUndefined();
    expect(english(state.mode.defaultUnknown)).toContain('open before 4.2.8, closed from 4.2.8 on');
    expect(english(state.mode.defaultUnknown)).toContain('latest');
    expect(german(state.mode.defaultUnknown)).toContain('offen vor 4.2.8, geschlossen ab 4.2.8');
    expect(state.effective).toBe('unknown');
    expect(modeKey(state.mode)).toBe('unknown');
  });

  it('says the default is undecided on a minor-only version whose default changed at a patch release (v4.2)', () => {
    const state = interpretRegistrations({
      rows: {},
      version: {
        version: parseMastodonVersion('v4.2') as MastodonVersion,
        source: 'the image tag ghcr.io/mastodon/mastodon:v4.2',
        from: text('vitals.version.imageTag', { image: 'ghcr.io/mastodon/mastodon:v4.2' }),
      },
      schema: 'thing-columns',
      env: ENV,
    });
    expect(state.mode.mode).toBeUndefined();
    expect(english(state.mode.defaultUnknown)).toContain('4.2.0–4.2.7: open; 4.2.8 and later: closed');
    expect(english(state.mode.defaultUnknown)).toContain('names no patch release');
    expect(german(state.mode.defaultUnknown)).toContain(
      '4.2.0–4.2.7: alle können sich registrieren; ab 4.2.8: niemand darf sich registrieren',
    );
    expect(german(state.mode.defaultUnknown)).toContain('nennt kein Patch-Release');
    expect(state.effective).toBe('unknown');
  });

  it('decides the default on a minor-only version when it did not change within that minor (v4.3)', () => {
    expect(interpretRegistrations({ rows: {}, version: v('v4.3'), schema: 'thing-columns', env: ENV }).mode).toEqual({
      source: 'default',
      mode: 'none',
    });
  });

  it('knows the default from the 4.4+ shape alone', () => {
    expect(interpretRegistrations({ rows: {}, version: UNKNOWN, schema: 'var-unique', env: ENV }).mode).toEqual({
      source: 'default',
      mode: 'none',
    });
  });

  it.each([
    ['--- closed\n', 'the text "closed"'],
    ['--- Open\n', 'the text "Open"'],
    ['--- :open\n', 'symbol'],
    ['--- true\n', 'boolean true'],
    ['--- \n', 'nil'],
    ['---\nfollow: true\n', 'mapping'],
    ["--- 'open\n", 'not readable'],
  ])('shows the unknown stored value %j as such, without crashing', (raw, described) => {
    const state = interpretRegistrations({
      rows: { registrations_mode: raw },
      version: v('4.3.17'),
      schema: 'thing-columns',
      env: ENV,
    });
    expect(state.mode.mode).toBeUndefined();
    expect(state.mode.unrecognised).toContain(described);
    expect(state.overrides.map((o) => o.code)).toContain('unrecognised_mode');
    // Mastodon: != 'none' enables sign-ups, == 'open' is false, so they wait for approval.
    expect(state.effective).toBe('approved');
    expect(modeKey(state.mode)).toBe('unrecognised');
  });
});

describe('interpretRegistrations: overrides', () => {
  it('SINGLE_USER_MODE closes registrations whatever the setting', () => {
    const state = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: v('4.2.0'),
      schema: 'thing-columns',
      env: { ...ENV, singleUserMode: true },
    });
    expect(state.mode.mode).toBe('open');
    expect(state.effective).toBe('closed');
    expect(state.overrides).toEqual([expect.objectContaining({ code: 'single_user_mode', tone: 'bad' })]);
  });

  it('warns of the automatic switch to approved (4.2.8+) when open', () => {
    const state = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: v('4.3.17'),
      schema: 'thing-columns',
      env: ENV,
    });
    expect(state.overrides).toEqual([expect.objectContaining({ code: 'auto_switch_to_approved', tone: 'warn' })]);
  });

  it('has no automatic switch before 4.2.8, nor when the mode is not open', () => {
    expect(
      interpretRegistrations({
        rows: { registrations_mode: '--- open\n' },
        version: v('4.2.7'),
        schema: 'thing-columns',
        env: ENV,
      }).overrides,
    ).toEqual([]);
    expect(
      interpretRegistrations({
        rows: { registrations_mode: '--- approved\n' },
        version: v('4.4.4'),
        schema: 'var-unique',
        env: ENV,
      }).overrides,
    ).toEqual([]);
  });

  it('warns of the hourly auto_close_registrations_scheduler from 4.2.8, and that v4.2 may have it', () => {
    const on428 = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: v('4.2.8'),
      schema: 'thing-columns',
      env: ENV,
    });
    expect(on428.overrides).toEqual([
      expect.objectContaining({
        code: 'auto_switch_to_approved',
        tone: 'warn',
        message: expect.stringContaining('From Mastodon 4.2.8 on, an hourly job'),
      }),
    ]);
    expect(inEnglish(on428.overrides[0]!.text)).toBe(on428.overrides[0]!.message);
    expect(german(on428.overrides[0]!.text)).toMatch(/^Ab Mastodon 4\.2\.8 stellt ein stündlicher Job/);
    const onV42 = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: v('v4.2'),
      schema: 'thing-columns',
      env: ENV,
    });
    expect(onV42.overrides).toEqual([
      expect.objectContaining({
        code: 'auto_switch_maybe',
        message: expect.stringContaining('names no patch release, so this may apply'),
      }),
    ]);
  });

  it.each([
    [{ autoApprovedSwitchDisabled: true }, 'DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true'],
    [{ emailDomainAllowlist: true }, 'EMAIL_DOMAIN_ALLOWLIST'],
  ])('notes the switch as disabled by %j', (env, why) => {
    const state = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: v('4.4.4'),
      schema: 'var-unique',
      env: { ...ENV, ...env },
    });
    expect(state.overrides).toEqual([
      expect.objectContaining({ code: 'auto_switch_disabled', tone: 'neutral', message: expect.stringContaining(why) }),
    ]);
    expect(state.effective).toBe('open');
  });

  it('says the switch may apply when the version is unknown on the old shape', () => {
    const state = interpretRegistrations({
      rows: { registrations_mode: '--- open\n' },
      version: UNKNOWN,
      schema: 'thing-columns',
      env: ENV,
    });
    expect(state.overrides.map((o) => o.code)).toEqual(['auto_switch_maybe']);
  });
});

describe('require_invite_text and closed_registrations_message', () => {
  it('reads booleans, and counts a non-boolean as Ruby does', () => {
    expect(interpretFlag(undefined)).toEqual({ source: 'default', value: false });
    expect(interpretFlag('--- true\n')).toEqual({ source: 'stored', raw: '--- true\n', value: true });
    expect(interpretFlag('--- false')).toMatchObject({ value: false });
    const quoted = interpretFlag("--- 'false'\n");
    expect(quoted.value).toBe(true);
    expect(english(quoted.note)).toContain('Ruby counts it as true');
    expect(german(quoted.note)).toBe('Gespeichert als Text "false", kein Wahrheitswert; Ruby wertet das als true.');
    expect(interpretFlag('--- \n')).toMatchObject({ value: false });
  });

  it('reads the message, multi-line included', () => {
    expect(interpretText(undefined)).toEqual({ source: 'default', value: '' });
    expect(interpretText('--- |-\n  <p>Closed.</p>\n  <p>Ask us.</p>\n').value).toBe('<p>Closed.</p>\n<p>Ask us.</p>');
    const number = interpretText('--- 42\n');
    expect(number.value).toBe('42');
    expect(english(number.note)).toContain('number');
    expect(german(number.note)).toBe('Gespeichert als Zahl 42.');
  });
});

describe('the Rails cache prefix and SCAN patterns', () => {
  it('uses <ns>_cache: on ≤4.3 with REDIS_NAMESPACE, cache: otherwise', () => {
    expect(cacheKeyPrefix({ version: v('4.3.17'), schema: 'thing-columns', redisNamespace: 'mastodon_ns' })).toBe(
      'mastodon_ns_cache:',
    );
    expect(cacheKeyPrefix({ version: v('4.0.2'), schema: 'thing-columns', redisNamespace: 'x' })).toBe('x_cache:');
    expect(cacheKeyPrefix({ version: v('4.3.17'), schema: 'thing-columns' })).toBe('cache:');
    expect(cacheKeyPrefix({ version: v('4.4.4'), schema: 'var-unique', redisNamespace: 'mastodon_ns' })).toBe('cache:');
    expect(cacheKeyPrefix({ version: UNKNOWN, schema: 'thing-columns', redisNamespace: 'ns' })).toBe('ns_cache:');
    expect(cacheKeyPrefix({ version: UNKNOWN, schema: 'var-unique', redisNamespace: 'ns' })).toBe('cache:');
  });

  it('matches the settings and the instance API answers, with glob characters escaped', () => {
    expect(cachePatterns('cache:', ['registrations_mode', 'require_invite_text'])).toEqual([
      'cache:rails_settings_cached/*/registrations_mode',
      'cache:rails_settings_cached/*/require_invite_text',
      'cache:api/v*/instances/show*',
    ]);
    expect(cachePatterns('a*b_cache:', ['registrations_mode'])[0]).toBe(
      'a\\*b_cache:rails_settings_cached/*/registrations_mode',
    );
  });
});

describe('changeRegistrationsSchema', () => {
  it('accepts the three modes, with or without requireReason', () => {
    expect(changeRegistrationsSchema.parse({ mode: 'approved', requireReason: true, from: 'open' })).toEqual({
      mode: 'approved',
      requireReason: true,
      from: 'open',
    });
    expect(changeRegistrationsSchema.parse({ mode: 'none' })).toEqual({ mode: 'none' });
  });

  it.each([
    [{ mode: 'closed' }, 'mode'],
    [{ mode: 'open ' }, 'mode'],
    [{}, 'mode'],
    [{ mode: 'approved', requireReason: 'true' }, 'requireReason'],
    [{ mode: 'open', extra: 1 }, undefined],
    [{ mode: 'open', from: 'whatever' }, 'from'],
  ])('refuses %j', (input, field) => {
    const result = changeRegistrationsSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success && field) expect(result.error.flatten().fieldErrors).toHaveProperty(field);
  });
});
