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

// The words the page shows for each action and outcome are in messages/<locale>/audit.json (audit.actions.*,
// audit.outcomes.*); the ids above are data and stay as they are, in the store and in the CSV.
