/**
 * Every message, per language and namespace (one JSON file per namespace under messages/<locale>/). Server-only:
 * the browser receives only the namespaces its components use (see CLIENT_NAMESPACES).
 * The German files must have exactly the English keys; typecheck and test/unit/i18n/catalog.test.ts hold that.
 */
import 'server-only';

import enCommon from '@/messages/en/common.json';
import enErrors from '@/messages/en/errors.json';
import enHome from '@/messages/en/home.json';
import enContainers from '@/messages/en/containers.json';
import enVitals from '@/messages/en/vitals.json';
import enAttention from '@/messages/en/attention.json';
import enGraphs from '@/messages/en/graphs.json';
import enLogs from '@/messages/en/logs.json';
import enAccounts from '@/messages/en/accounts.json';
import enMedia from '@/messages/en/media.json';
import enRegistrations from '@/messages/en/registrations.json';
import enBackups from '@/messages/en/backups.json';
import enAlerts from '@/messages/en/alerts.json';
import enAlertMessages from '@/messages/en/alertMessages.json';
import enAudit from '@/messages/en/audit.json';
import enAuth from '@/messages/en/auth.json';
import enDoctor from '@/messages/en/doctor.json';
import enRecognisers from '@/messages/en/recognisers.json';
import enJobs from '@/messages/en/jobs.json';
import deCommon from '@/messages/de/common.json';
import deErrors from '@/messages/de/errors.json';
import deHome from '@/messages/de/home.json';
import deContainers from '@/messages/de/containers.json';
import deVitals from '@/messages/de/vitals.json';
import deAttention from '@/messages/de/attention.json';
import deGraphs from '@/messages/de/graphs.json';
import deLogs from '@/messages/de/logs.json';
import deAccounts from '@/messages/de/accounts.json';
import deMedia from '@/messages/de/media.json';
import deRegistrations from '@/messages/de/registrations.json';
import deBackups from '@/messages/de/backups.json';
import deAlerts from '@/messages/de/alerts.json';
import deAlertMessages from '@/messages/de/alertMessages.json';
import deAudit from '@/messages/de/audit.json';
import deAuth from '@/messages/de/auth.json';
import deDoctor from '@/messages/de/doctor.json';
import deRecognisers from '@/messages/de/recognisers.json';
import deJobs from '@/messages/de/jobs.json';

import type { Locale } from './locales';

const en = {
  common: enCommon,
  errors: enErrors,
  home: enHome,
  containers: enContainers,
  vitals: enVitals,
  attention: enAttention,
  graphs: enGraphs,
  logs: enLogs,
  accounts: enAccounts,
  media: enMedia,
  registrations: enRegistrations,
  backups: enBackups,
  alerts: enAlerts,
  alertMessages: enAlertMessages,
  audit: enAudit,
  auth: enAuth,
  doctor: enDoctor,
  recognisers: enRecognisers,
  jobs: enJobs,
};

export type Messages = typeof en;
export type Namespace = keyof Messages;

const de: Messages = {
  common: deCommon,
  errors: deErrors,
  home: deHome,
  containers: deContainers,
  vitals: deVitals,
  attention: deAttention,
  graphs: deGraphs,
  logs: deLogs,
  accounts: deAccounts,
  media: deMedia,
  registrations: deRegistrations,
  backups: deBackups,
  alerts: deAlerts,
  alertMessages: deAlertMessages,
  audit: deAudit,
  auth: deAuth,
  doctor: deDoctor,
  recognisers: deRecognisers,
  jobs: deJobs,
};

export const MESSAGES: Record<Locale, Messages> = { en, de };
