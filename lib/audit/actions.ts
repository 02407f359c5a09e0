import 'server-only';

import { z } from 'zod';

/**
 * The audit vocabulary, `resource.past_tense` like Mastodon's Admin::ActionLog: a closed list, so the
 * page can filter on it and a typo cannot create an action nobody looks for.
 */
export const AUDIT_ACTIONS = [
  'container.restarted',
  'account.created',
  'media.permissions_fixed',
  'media.cleaned_up',
  'registrations.changed',
  'settings.retention_changed',
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.logout',
  'auth.unlocked',
  'auth.password_set',
  'auth.reauthenticated',
  'auth.login_link_used',
  'auth.request_refused',
  'audit.pruned',
  'alert.sent',
  'alert.failed',
  'alert.test',
  'backup.created',
  'backup.downloaded',
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const AUDIT_OUTCOMES = ['started', 'succeeded', 'failed', 'refused', 'interrupted'] as const;

export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'container.restarted': 'Container restarted',
  'account.created': 'Account created',
  'media.permissions_fixed': 'Media permissions fixed',
  'media.cleaned_up': 'Disk space freed (tootctl cleanup or its dry run)',
  'registrations.changed': 'Registrations changed',
  'settings.retention_changed': 'Retention setting changed',
  'auth.login': 'Logged in',
  'auth.login_failed': 'Login failed',
  'auth.locked': 'Login locked',
  'auth.logout': 'Logged out',
  'auth.unlocked': 'Login unlocked',
  'auth.password_set': 'Password set',
  'auth.reauthenticated': 'Password confirmed again',
  'auth.login_link_used': 'Login link used',
  'auth.request_refused': 'Request refused',
  'audit.pruned': 'Old records archived and removed',
  'alert.sent': 'Alert sent',
  'alert.failed': 'Alert not delivered',
  'alert.test': 'Test message requested',
  'backup.created': 'Backup taken',
  'backup.downloaded': 'Backup file downloaded',
};

export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = {
  started: 'Started',
  succeeded: 'Succeeded',
  failed: 'Failed',
  refused: 'Refused',
  interrupted: 'Interrupted',
};
