import 'server-only';

import { NAMESPACES, type Messages, type Namespace } from './catalog';

/**
 * The namespaces no client component reads: they render on the server only and never travel to the browser. A
 * namespace belongs here when no 'use client' component translates with it.
 */
const SERVER_ONLY_NAMESPACES = ['alertMessages'] as const satisfies readonly Namespace[];

type ClientNamespace = Exclude<Namespace, (typeof SERVER_ONLY_NAMESPACES)[number]>;

/** The namespaces that client components translate with `useTranslations`. */
export const CLIENT_NAMESPACES = NAMESPACES.filter(
  (namespace): namespace is ClientNamespace => !(SERVER_ONLY_NAMESPACES as readonly Namespace[]).includes(namespace),
);

export function clientMessages(messages: Messages): Pick<Messages, ClientNamespace> {
  return Object.fromEntries(CLIENT_NAMESPACES.map((namespace) => [namespace, messages[namespace]])) as Pick<
    Messages,
    ClientNamespace
  >;
}
