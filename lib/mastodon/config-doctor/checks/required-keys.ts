/** SECRET_KEY_BASE, OTP_SECRET and the ACTIVE_RECORD_ENCRYPTION_* keys, by the version that needs them. */
import { text, type Text } from '@/lib/i18n/text';

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
    let rule: Text;
    let certain = version !== undefined;
    if (key === 'SECRET_KEY_BASE') {
      rule = text('doctor.required.rule.secretKeyBase');
      certain = true;
    } else if (key === 'OTP_SECRET') {
      if (version && !factsFor(version).otpSecretRequired) return undefined;
      rule = text('doctor.required.rule.otpSecret', { release: firstReleaseWith('otpSecretRequired', false) ?? '' });
    } else {
      if (version && !factsFor(version).activeRecordEncryptionRequired) return undefined;
      rule = text('doctor.required.rule.activeRecord', {
        release: firstReleaseWith('activeRecordEncryptionRequired', true) ?? '',
      });
    }
    const severity: Severity = certain ? 'error' : 'warning';
    const unknown = certain ? 'no' : 'yes';
    const generate =
      key === 'SECRET_KEY_BASE' || key === 'OTP_SECRET'
        ? text('doctor.required.fix.secret', { key, envFile: ctx.envName })
        : text('doctor.required.fix.activeRecord', { envFile: ctx.envName });
    const value = ctx.env.get(key);
    if (value === undefined)
      return {
        id: 'required-missing',
        severity,
        key,
        title: text('doctor.required.missing.title', { key, unknown }),
        why: rule,
        fix: generate,
      };
    if (value.trim() === '')
      return {
        id: 'required-empty',
        severity,
        key,
        title: text('doctor.required.empty.title', { key, unknown }),
        why: text('doctor.required.empty.why', { where: where(ctx, key), rule }),
        fix: generate,
      };
    if (AR_KEYS.includes(key as (typeof AR_KEYS)[number]) && value.trimEnd().endsWith('DO_NOT_USE_IN_PRODUCTION')) {
      return {
        id: 'required-placeholder',
        severity,
        key,
        title: text('doctor.required.placeholder.title', { key }),
        why: text('doctor.required.placeholder.why', { rule }),
        fix: generate,
      };
    }
    return {
      id: 'required-present',
      severity: 'ok',
      key,
      title: text('doctor.required.present.title', { key }),
      why: text('doctor.required.present.why', { where: where(ctx, key) }),
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
