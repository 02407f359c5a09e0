import { inEnglish } from './i18n/english';
import { text, type Text } from './i18n/text';

/** The closed set of error codes the dashboard reports, to the browser and in the audit log. */
export const ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'invalid_input',
  'not_found',
  'conflict',
  'locked',
  'reauth_required',
  'audit_unavailable',
  'timeout',
  'docker_socket_missing',
  'docker_permission_denied',
  'docker_daemon_down',
  'docker_not_answering',
  'docker_refused',
  'influx_unreachable',
  'influx_auth_refused',
  'influx_not_found',
  'no_data',
  'postgres_unreachable',
  'postgres_refused',
  'redis_unreachable',
  'redis_refused',
  'mastodon_unreachable',
  'upstream_failed',
  'disk_full',
  'not_writable',
  'checksum_mismatch',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The words of an error: a Text the page renders in the reader's language. A plain string is English only and is
 * being replaced, module by module (issue 20); new code passes a Text.
 */
export type ErrorText = Text | string;

/**
 * What a panel or action shows when it fails: a title, the cause, and what the admin can do. The texts travel
 * as Texts and are rendered where they are shown (ErrorBox), so the browser gets no English sentence to show a
 * German reader.
 */
export interface ErrorView {
  code: ErrorCode;
  title: ErrorText;
  detail: ErrorText;
  fix?: ErrorText;
  /** The last lines a failed container wrote (secrets redacted), when they explain the failure. */
  logLines?: string[];
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly title: ErrorText,
    readonly detail: ErrorText,
    readonly fix?: ErrorText,
    readonly logLines?: string[],
  ) {
    // The message is for the server's log, which stays English.
    super(`${inEnglish(title)}: ${inEnglish(detail)}`);
    this.name = 'AppError';
  }

  toView(): ErrorView {
    return {
      code: this.code,
      title: this.title,
      detail: this.detail,
      ...(this.fix ? { fix: this.fix } : {}),
      ...(this.logLines ? { logLines: this.logLines } : {}),
    };
  }
}

export function toErrorView(error: unknown): ErrorView {
  if (error instanceof AppError) return error.toView();
  // Unexpected errors are logged on the server; the browser gets no internals.
  return { code: 'internal', title: text('errors.internal.title'), detail: text('errors.internal.detail') };
}
