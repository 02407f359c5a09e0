/**
 * Every message, per language and namespace (one JSON file per namespace under messages/<locale>/). Server-only:
 * the browser receives only the namespaces its components use (see CLIENT_NAMESPACES).
 * The German files must have exactly the English keys; test/unit/i18n/catalog.test.ts holds that, and typecheck
 * holds every t('…') key to the English files.
 *
 * The files are read from disk once per process and language, when a language is first asked for, instead of being
 * imported: an import puts the text into every server chunk that reaches a Text (Next copies the route handlers'
 * shared chunk per route, and the launcher has its own bundle), and V8 keeps each chunk's source for the life of
 * the process. One copy per process (lib/process/singleton.ts) serves the launcher and every chunk. Each message
 * is compiled with icu-minify, as next-intl's precompile does at build time, because every bundle formats with its
 * compiled-message formatter (use-intl/format-message/format-only: next.config.js, scripts/server-bundle.mjs,
 * vitest.config.mts).
 */
import 'server-only';

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import compile from 'icu-minify/compile';

import { processSingleton } from '../process/singleton';

import type enAccounts from '@/messages/en/accounts.json';
import type enAlertMessages from '@/messages/en/alertMessages.json';
import type enAlerts from '@/messages/en/alerts.json';
import type enAttention from '@/messages/en/attention.json';
import type enAudit from '@/messages/en/audit.json';
import type enAuth from '@/messages/en/auth.json';
import type enBackups from '@/messages/en/backups.json';
import type enCommon from '@/messages/en/common.json';
import type enContainers from '@/messages/en/containers.json';
import type enDoctor from '@/messages/en/doctor.json';
import type enErrors from '@/messages/en/errors.json';
import type enGraphs from '@/messages/en/graphs.json';
import type enHome from '@/messages/en/home.json';
import type enJobs from '@/messages/en/jobs.json';
import type enLogs from '@/messages/en/logs.json';
import type enMedia from '@/messages/en/media.json';
import type enRecognisers from '@/messages/en/recognisers.json';
import type enRegistrations from '@/messages/en/registrations.json';
import type enVitals from '@/messages/en/vitals.json';

import type { Locale } from './locales';

export interface Messages {
  common: typeof enCommon;
  errors: typeof enErrors;
  home: typeof enHome;
  containers: typeof enContainers;
  vitals: typeof enVitals;
  attention: typeof enAttention;
  graphs: typeof enGraphs;
  logs: typeof enLogs;
  accounts: typeof enAccounts;
  media: typeof enMedia;
  registrations: typeof enRegistrations;
  backups: typeof enBackups;
  alerts: typeof enAlerts;
  alertMessages: typeof enAlertMessages;
  audit: typeof enAudit;
  auth: typeof enAuth;
  doctor: typeof enDoctor;
  recognisers: typeof enRecognisers;
  jobs: typeof enJobs;
}

export type Namespace = keyof Messages;

export const NAMESPACES = [
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
  'alertMessages',
  'audit',
  'auth',
  'doctor',
  'recognisers',
  'jobs',
] as const satisfies readonly Namespace[];

/** A message file's tree: messages at the leaves, namespaces and groups above them. */
export interface MessageTree {
  [key: string]: string | MessageTree;
}

type CompiledTree = { [key: string]: ReturnType<typeof compile> | CompiledTree };

/**
 * Where the message files are: messages/ in the working directory (the checkout under `next dev` and the tests;
 * .next/standalone, the image's /app, once Next's standalone server has changed into it: scripts/build-server.mjs
 * copies the files there), else beside the started script's folder (dist/start.mjs or dist/cli.mjs run from
 * elsewhere).
 */
function messagesDirectory(): string {
  const candidates = [path.join(process.cwd(), 'messages')];
  if (process.argv[1]) candidates.push(path.join(path.dirname(process.argv[1]), '..', 'messages'));
  const directory = candidates.find((candidate) => existsSync(path.join(candidate, 'en')));
  if (!directory) throw new Error(`The message files are missing: none in ${candidates.join(' or ')}`);
  return directory;
}

function compileTree(tree: MessageTree): CompiledTree {
  return Object.fromEntries(
    Object.entries(tree).map(([key, value]) => [key, typeof value === 'string' ? compile(value) : compileTree(value)]),
  );
}

/** A language's message files as written, one tree per namespace, before compiling. */
export function readMessageFiles(locale: Locale): Record<Namespace, MessageTree> {
  const directory = path.join(messagesDirectory(), locale);
  return Object.fromEntries(
    NAMESPACES.map((namespace) => [
      namespace,
      JSON.parse(readFileSync(path.join(directory, `${namespace}.json`), 'utf8')) as MessageTree,
    ]),
  ) as Record<Namespace, MessageTree>;
}

function readMessages(locale: Locale): Messages {
  // Through JSON, as next-intl's build-time loader does: icu-minify's option objects have no prototype, and React
  // passes only plain objects to client components. The compiled messages keep the files' shape.
  return JSON.parse(JSON.stringify(compileTree(readMessageFiles(locale)))) as Messages;
}

/** One language's messages, read on first use and then kept for the life of the process. */
export function messagesFor(locale: Locale): Messages {
  return processSingleton(`i18n.messages.${locale}`, () => readMessages(locale));
}
