import 'server-only';

import type { Messages, Namespace } from './catalog';

/**
 * The namespaces that client components translate with `useTranslations`. Everything else renders on the server
 * and never travels to the browser. A namespace belongs here only when a 'use client' component reads it.
 */
export const CLIENT_NAMESPACES = [
  'common',
  'errors',
  'home',
  'containers',
  'vitals',
  'attention',
  'graphs',
  'logs',
  'accounts',
  'media',
  'registrations',
  'backups',
  'alerts',
  'audit',
  'auth',
  'jobs',
  'doctor',
  'recognisers',
] as const satisfies readonly Namespace[];

export function clientMessages(messages: Messages): Pick<Messages, (typeof CLIENT_NAMESPACES)[number]> {
  return Object.fromEntries(CLIENT_NAMESPACES.map((namespace) => [namespace, messages[namespace]])) as Pick<
    Messages,
    (typeof CLIENT_NAMESPACES)[number]
  >;
}
