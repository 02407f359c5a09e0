/**
 * The production entry point (`npm start`, and the container image): parses the whole configuration
 * before anything listens, refuses a non-loopback address unless told so, puts the peer guard
 * (ACCEPT_CONNECTIONS_FROM) in front of the HTTP server, then runs Next's standalone server in this
 * process. Bundled to dist/start.mjs by scripts/build-server.mjs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { alertsConfigured } from '../lib/alerts';
import { stopAlertWatcher } from '../lib/alerts/shutdown';
import { markInterruptedRecords } from '../lib/audit';
import { scheduleAuditRetention } from '../lib/audit/retention';
import { markInterruptedJobs } from '../lib/jobs';
import { adminCredential, describeCredentialSource } from '../lib/auth/credentials';
import { createLoginLink } from '../lib/auth/login-links';
import { ConfigError, getConfig, type Config } from '../lib/config';
import { describeAcceptedPeers } from '../lib/config/accepted-peers';
import { AppError } from '../lib/errors';
import { createPeerGuard, guardHttpServers } from '../lib/http/peer-guard';
import { endLiveStreams } from '../lib/live/shutdown';
import { store } from '../lib/store';
import { inEnglish } from '../lib/i18n/english';

function urlOf(config: Config): string {
  const host = config.server.isLoopback || !config.server.allowNonLoopback ? config.server.host : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}

/** Opens the dashboard's own store and settles what the previous run left behind. */
function prepareState(config: Config): void {
  try {
    store();
  } catch (error) {
    console.error(
      `Mastodash cannot start: the store in DATA_DIR=${config.dataDir} cannot be opened (${(error as Error).message}).`,
    );
    console.error('It must be a directory the dashboard may write; it is created on first start.');
    process.exit(1);
  }
  let interrupted: number;
  try {
    interrupted = markInterruptedRecords();
    markInterruptedJobs();
  } catch (error) {
    const why =
      error instanceof AppError ? `${inEnglish(error.title)}: ${inEnglish(error.detail)}` : (error as Error).message;
    console.error(`Mastodash cannot start: ${why}`);
    process.exit(1);
  }
  if (interrupted > 0) {
    console.warn(
      `warning: ${interrupted} action(s) were cut short when the dashboard last stopped; the audit` +
        ` log shows them as interrupted.`,
    );
  }
  let credential: ReturnType<typeof adminCredential>;
  try {
    credential = adminCredential();
  } catch (error) {
    // A configured password that cannot be used must not silently fall back to a login link.
    console.error(
      `Mastodash cannot start: ${error instanceof AppError ? inEnglish(error.detail) : (error as Error).message}`,
    );
    process.exit(78);
  }
  if (credential.source === 'none') {
    // Console access means server access anyway, so the console may carry a login.
    const link = createLoginLink();
    console.log(
      'Mastodash: no admin password is set (DASHBOARD_PASSWORD_FILE, DASHBOARD_PASSWORD or npm run set-password).',
    );
    console.log(`Mastodash: one-time login link, valid once until ${new Date(link.expiresAt).toISOString()}:`);
    console.log(`  ${urlOf(config)}/login?token=${link.token}`);
  } else {
    console.log(`Mastodash: admin password from ${describeCredentialSource()}`);
  }
}

/** How long a stop may take once the event streams are ended, well inside Docker's 10 s stop timeout. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Next's standalone server closes its HTTP server on SIGTERM and SIGINT and waits for every open response,
 * and an event stream never ends by itself: with a tab open, `docker stop` waited out its timeout and
 * killed the process. The streams end first (browsers reconnect to whatever serves the port next), and a
 * request still open after the grace does not hold the stop.
 */
/** Set once the backup schedule is loaded, so that a shutdown starts no new backup in its grace period. */
let stopBackupScheduleOnExit: (() => void) | undefined;

function endStreamsOnStop(): void {
  for (const [signal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    process.once(signal, () => {
      endLiveStreams();
      stopAlertWatcher();
      stopBackupScheduleOnExit?.();
      setTimeout(() => process.exit(exitCode), SHUTDOWN_GRACE_MS).unref();
    });
  }
}

function main(): void {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  for (const warning of config.warnings) console.warn(`warning: ${warning}`);
  prepareState(config);
  scheduleAuditRetention();

  // From a checkout the standalone server sits in .next/standalone; in the image it is the app root.
  const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const standaloneServer = [path.join(appRoot, '.next/standalone/server.js'), path.join(appRoot, 'server.js')].find(
    (file) => existsSync(file),
  );
  if (!standaloneServer) {
    console.error(`Mastodash cannot start: no Next.js standalone server under ${appRoot}. Build first: npm run build`);
    process.exit(1);
  }
  // Next's standalone server reads these; they come from the validated configuration only.
  Object.assign(process.env, {
    HOSTNAME: config.server.host,
    PORT: String(config.server.port),
    NODE_ENV: 'production',
  });
  console.log(`Mastodash: compose project "${config.composeProject}", Docker at ${config.docker.display}`);
  console.log(`Mastodash: listening on ${urlOf(config)}`);
  const peers = config.server.acceptConnectionsFrom;
  if (peers.kind === 'listed') {
    const guard = createPeerGuard({ peers });
    guardHttpServers(guard);
    const gateways = guard.gateways();
    console.log(
      `Mastodash: accepting connections only from ${describeAcceptedPeers(peers)}` +
        (peers.gateway
          ? ` (gateway now: ${
              gateways.length > 0 ? gateways.join(', ') : 'none, this network namespace has no' + ' default route'
            })`
          : ''),
    );
  }
  endStreamsOnStop();
  void import(pathToFileURL(standaloneServer).href);
  void Promise.all([
    import('../lib/backups/schedule'),
    import('../lib/actions/action-runner'),
    import('../lib/actions/back-up-now'),
  ]).then(async ([{ startBackupSchedule, stopBackupSchedule }, { runScheduledJob }, { backUpSpec }]) => {
    stopBackupScheduleOnExit = stopBackupSchedule;
    const schedule = await startBackupSchedule(config, () => runScheduledJob(backUpSpec, { trigger: 'schedule' }));
    if (schedule.state === 'on') {
      console.log(
        `Mastodash: backups on schedule "${schedule.pattern}" into ${config.backups.dir}, next ${schedule.nextAt}`,
      );
    } else if (schedule.state === 'off') {
      console.log('Mastodash: scheduled backups are off (BACKUP_SCHEDULE=off)');
    }
  });
  // Without a channel nothing runs in the background, and the watcher's code (the detectors) is not even loaded.
  if (alertsConfigured(config)) {
    void import('../lib/alerts/watcher').then(({ startAlertWatcher }) => {
      startAlertWatcher(config);
      console.log(`Mastodash: alert watcher on, checking every ${config.alerts.intervalMs / 1_000} s`);
    });
  }
}

main();
