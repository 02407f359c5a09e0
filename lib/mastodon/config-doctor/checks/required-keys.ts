/** SECRET_KEY_BASE, OTP_SECRET and the ACTIVE_RECORD_ENCRYPTION_* keys, by the version that needs them. */
import { firstReleaseWith, factsFor } from '../../version-facts';
import { envUnread, versioned, where, type DoctorCheck, type DoctorContext, type VersionedCheck } from '../check';
import type { Severity } from '../types';

const AR_KEYS = [
  'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
  'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
  'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
] as const;

function requiredKeyCheck(ctx: DoctorContext, key: string): VersionedCheck {
  return (version) => {
    let rule: string;
    let certain = version !== undefined;
    if (key === 'SECRET_KEY_BASE') {
      rule = 'Rails signs sessions and cookies with it; every Mastodon version refuses to run without it.';
      certain = true;
    } else if (key === 'OTP_SECRET') {
      if (version && !factsFor(version).otpSecretRequired) return undefined;
      rule =
        `Mastodon before ${firstReleaseWith('otpSecretRequired', false)} reads it at boot (two-factor ` +
        `authentication secrets) and stops when it is missing; later releases no longer need it.`;
    } else {
      if (version && !factsFor(version).activeRecordEncryptionRequired) return undefined;
      rule =
        `From ${firstReleaseWith('activeRecordEncryptionRequired', true)} on, ` +
        `config/initializers/active_record_encryption.rb aborts the boot when any of the three ` +
        `ACTIVE_RECORD_ENCRYPTION_* keys is blank or ends with DO_NOT_USE_IN_PRODUCTION.`;
    }
    const severity: Severity = certain ? 'error' : 'warning';
    const versionWord = certain ? '' : ' (the version is unknown)';
    const generate =
      key === 'SECRET_KEY_BASE' || key === 'OTP_SECRET'
        ? `Generate one with: docker compose run --rm web bundle exec rails secret, and set ${key}= to it in ` +
          `${ctx.envName}.`
        : `Generate the three keys with: docker compose run --rm web bin/rails db:encryption:init, and add them ` +
          `to ${ctx.envName}. Once set, never change them: they decrypt data already stored.`;
    const value = ctx.env.get(key);
    if (value === undefined)
      return {
        id: 'required-missing',
        severity,
        key,
        title: `${key} is missing${versionWord}`,
        why: rule,
        fix: generate,
      };
    if (value.trim() === '')
      return {
        id: 'required-empty',
        severity,
        key,
        title: `${key} is empty${versionWord}`,
        why: `It is present in ${where(ctx, key)} but has no value. ${rule}`,
        fix: generate,
      };
    if (AR_KEYS.includes(key as (typeof AR_KEYS)[number]) && value.trimEnd().endsWith('DO_NOT_USE_IN_PRODUCTION')) {
      return {
        id: 'required-placeholder',
        severity,
        key,
        title: `${key} is a development placeholder`,
        why: `The value ends with DO_NOT_USE_IN_PRODUCTION. ${rule}`,
        fix: generate,
      };
    }
    return {
      id: 'required-present',
      severity: 'ok',
      key,
      title: `${key} is set`,
      why: `Present in ${where(ctx, key)}.`,
    };
  };
}

export const requiredKeysCheck: DoctorCheck = {
  name: 'required-keys',
  skip: envUnread,
  run: (ctx) =>
    ['SECRET_KEY_BASE', 'OTP_SECRET', ...AR_KEYS].flatMap(
      (key) => versioned(requiredKeyCheck(ctx, key), ctx.version, ctx.upcoming) ?? [],
    ),
};
