import 'server-only';

import { requireActionSession } from '../auth/guard';
import { reauthenticate } from '../auth/login';
import { toErrorView, type ErrorView } from '../errors';
import { encodeText, text, type Text } from '../i18n/text';
import { backupFileHref, backupFileSchema } from '../validations/backups';

export type ConfirmDownloadAnswer =
  { ok: true; href: string } | { ok: false; error: ErrorView; fieldErrors?: Partial<Record<string, string[]>> };

/** A legacy English string passes through a Text whose message is only its value. */
function toText(value: Text | string): Text {
  return typeof value === 'string' ? text('backups.errors.plain', { message: value }) : value;
}

/**
 * The password prompt before a backup download. It changes nothing but the session's login time, which
 * `reauthenticate` checks against the same lockout as a login and audits (auth.reauthenticated, or a failed
 * login), so it does not take the admin-action path: the download itself is audited by its route.
 */
export async function confirmDownload(input: {
  backup: unknown;
  file: unknown;
  password: unknown;
}): Promise<ConfirmDownloadAnswer> {
  try {
    const session = await requireActionSession();
    const target = backupFileSchema.safeParse({ backup: input.backup, file: input.file });
    if (!target.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          title: text('backups.errors.noSuchFile.title'),
          detail: text('backups.errors.noSuchFile.link'),
        },
      };
    }
    const confirmed = await reauthenticate(session, { password: input.password });
    if (!confirmed.ok) {
      return {
        ok: false,
        error: confirmed.error,
        fieldErrors: {
          password: [
            encodeText(
              text('backups.errors.passwordField', {
                title: toText(confirmed.error.title),
                detail: toText(confirmed.error.detail),
              }),
            ),
          ],
        },
      };
    }
    return { ok: true, href: backupFileHref(target.data) };
  } catch (error) {
    return { ok: false, error: toErrorView(error) };
  }
}
