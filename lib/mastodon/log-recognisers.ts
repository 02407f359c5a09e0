/**
 * Known problems in Mastodon's container logs, as data: one table of pattern → diagnosis → fix. A line
 * takes the first recogniser that matches, so specific rows come before general ones (a password
 * failure is also a PG::ConnectionBad). To add one: a row here and real lines for it in
 * test/unit/mastodon/log-recognisers.test.ts. Pure, so that the browser's log view runs it too.
 * Patterns must not use the g or y flags (RegExp.test would then keep state between lines).
 */

import { grepFindsMajor, grepFor, sidekiqMajorOfText, type SidekiqGrep } from './sidekiq-grep';
import { describeSteps, MINOR_FACTS, PATCH_FACTS, since } from './version-facts';

export type LogSeverity = 'error' | 'warning' | 'info';

export interface LogFix {
  label: string;
  href: string;
}

export interface LogRecogniser {
  id: string;
  /** A few words for the badge on the line. */
  title: string;
  pattern: RegExp;
  /** One line: what it means and what to do. */
  diagnosis: string;
  /** The dashboard page whose button fixes it, where one exists. */
  fix?: LogFix;
  severity: LogSeverity;
  /** For problems that come in bursts: the summary reports the most matching lines within this many seconds. */
  burstSeconds?: number;
}

/** One pattern matching any of the given ones, so that a long alternation can be written over several lines. */
function anyOf(...patterns: RegExp[]): RegExp {
  return new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join('|'));
}

/** The recogniser of the media folder's EACCES, which the media diagnosis searches the log with. */
export const MEDIA_EACCES_ID = 'media-eacces';

export const LOG_RECOGNISERS: readonly LogRecogniser[] = [
  {
    id: MEDIA_EACCES_ID,
    title: 'Media folder not writable',
    pattern: /Errno::EACCES\b.*\bpublic\/system\b/,
    diagnosis:
      'Mastodon (uid 991) cannot write to public/system, so uploads, avatars and headers fail: Docker created ' +
      'the bind-mounted folder as root. The fix gives it to 991:991.',
    fix: { label: 'Fix media permissions', href: '/media' },
    severity: 'error',
  },
  {
    id: 'tmp-eacces',
    title: 'tmp folder not writable',
    pattern: /Errno::EACCES\b.*\/mastodon\/tmp\b/,
    diagnosis:
      'Mastodon cannot write to /opt/mastodon/tmp (the newer images need it owned by 991): something mounted ' +
      'or changed it as root. On the host, chown -R 991:991 the mounted folder, or remove the mount.',
    severity: 'error',
  },
  {
    id: 'postgres-auth',
    title: 'Database refused the login',
    pattern: /password authentication failed for user|no pg_hba\.conf entry for host/,
    diagnosis:
      "PostgreSQL refused Mastodon's login: DB_USER / DB_PASS in .env.production do not match the database's " +
      'role, or pg_hba.conf does not allow this host.',
    severity: 'error',
  },
  {
    id: 'postgres-host-unknown',
    title: 'Database host not found',
    pattern: /could not translate host name "[^"]*" to address|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) db\b/,
    diagnosis:
      'Mastodon cannot resolve DB_HOST: the db container is not running, or is not on the same compose ' +
      'network (internal_network), or DB_HOST names another host.',
    severity: 'error',
  },
  {
    id: 'postgres-refused',
    title: 'Database unreachable',
    pattern: anyOf(
      /\bPG::ConnectionBad\b|\bActiveRecord::ConnectionNotEstablished\b|could not connect to server/,
      /connection to server (?:at|on socket) .* failed|\bECONNREFUSED \S+:5432\b/,
    ),
    diagnosis:
      'Mastodon cannot connect to PostgreSQL: the db container is down or restarting, or DB_HOST / DB_PORT in ' +
      '.env.production point elsewhere. Check the db container first.',
    severity: 'error',
  },
  {
    id: 'redis-auth',
    title: 'Redis refused the login',
    pattern: /\bNOAUTH Authentication required\b|\bWRONGPASS\b/,
    diagnosis:
      "Redis refused Mastodon's login: REDIS_PASSWORD (or the password in REDIS_URL) does not match Redis's " +
      'requirepass.',
    severity: 'error',
  },
  {
    id: 'redis-unreachable',
    title: 'Redis unreachable',
    pattern: anyOf(
      /\bRedis(?:Client)?::CannotConnectError\b|Error connecting to Redis|\bECONNREFUSED \S+:6379\b/,
      /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) redis\b/,
    ),
    diagnosis:
      'Mastodon cannot connect to Redis: the redis container is down or restarting, or REDIS_HOST / ' +
      'REDIS_PORT / REDIS_URL point elsewhere. Sidekiq and streaming stop working until it is back.',
    severity: 'error',
  },
  {
    id: 'remote-429',
    title: 'Another server said 429',
    pattern: /returned code 429\b/,
    diagnosis:
      'A remote server rate-limited this one (429) during a delivery or fetch; Sidekiq retries later. Many at ' +
      'once mean a large fan-out to that server, not a fault here.',
    severity: 'info',
    burstSeconds: 60,
  },
  {
    id: 'rate-limited',
    title: 'Too many requests (429)',
    pattern: /Rate limit hit \(throttle\)|\bstatus=429\b|\bToo many requests\b/,
    diagnosis:
      'Mastodon answered 429 "Too many requests" (Rack::Attack): a client went over a limit such as 300 ' +
      'unauthenticated API calls in 5 min per IP. A burst from one address is one misbehaving client; from ' +
      'everyone at once, the proxy may be hiding the real client IPs.',
    severity: 'warning',
    burstSeconds: 60,
  },
  {
    id: 'ip-blocked',
    title: 'Blocked IP refused',
    pattern: /Rate limit hit \(blocklist\)/,
    diagnosis:
      'A request from an address on the server’s IP block list (Moderation → IP rules, “no access”) was ' +
      'refused with 403.',
    severity: 'info',
  },
  {
    id: 'active-record-encryption-missing',
    title: 'Encryption keys missing',
    pattern: /Mastodon now requires that these variables are set|Missing Active Record encryption credential/,
    diagnosis:
      `Mastodon ${since('activeRecordEncryptionRequired', true)} and later do not boot without ` +
      `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY, _KEY_DERIVATION_SALT and _PRIMARY_KEY in .env.production. ` +
      `Generate them with docker compose run --rm web bin/rails db:encryption:init and add all three.`,
    severity: 'error',
  },
  {
    id: 'secret-key-base-missing',
    title: 'SECRET_KEY_BASE missing',
    pattern: /Missing `secret_key_base`|key not found: "SECRET_KEY_BASE"/,
    diagnosis:
      'Mastodon does not boot without SECRET_KEY_BASE in .env.production. Generate one with docker compose ' +
      'run --rm web bundle exec rails secret; never change it on a running server (it signs every session).',
    severity: 'error',
  },
  {
    id: 'otp-secret-missing',
    title: 'OTP_SECRET missing',
    pattern: /key not found: "OTP_SECRET"/,
    diagnosis:
      `Mastodon before ${since('otpSecretRequired', false)} does not boot without OTP_SECRET in .env.production ` +
      `(${since('otpSecretRequired', false)} dropped it, but its migration from older versions still reads it ` +
      `once). Restore the old value if you have it: two-factor secrets are encrypted with it.`,
    severity: 'error',
  },
  {
    id: 'env-key-missing',
    title: 'Required setting missing',
    pattern: /key not found: "[A-Z][A-Z0-9_]*" \(KeyError\)|KeyError: key not found: "[A-Z][A-Z0-9_]*"/,
    diagnosis:
      'Mastodon stopped at boot: the environment variable named in the line is required and missing from ' +
      '.env.production.',
    severity: 'error',
  },
  {
    id: 'redis-namespace-unsupported',
    title: 'REDIS_NAMESPACE no longer allowed',
    pattern: /REDIS_NAMESPACE environment variable is no longer supported/,
    diagnosis:
      `Mastodon ${since('redisNamespace', 'refused')} and later refuse to boot while REDIS_NAMESPACE is set. ` +
      `Migrate the namespaced keys (github.com/mastodon/redis_namespace_migration), then remove REDIS_NAMESPACE ` +
      `from .env.production.`,
    severity: 'error',
  },
  {
    id: 'redis-namespace-deprecated',
    title: 'REDIS_NAMESPACE deprecated',
    pattern: /REDIS_NAMESPACE environment variable is deprecated/,
    diagnosis:
      `REDIS_NAMESPACE still works on this version, but ${since('redisNamespace', 'refused')} and later refuse ` +
      `to boot with it: migrate the keys (github.com/mastodon/redis_namespace_migration) before upgrading.`,
    severity: 'warning',
  },
  {
    id: 'sidekiq-booting',
    title: 'Sidekiq started',
    pattern: /\bBooting Sidekiq \d+\.\d+/,
    diagnosis:
      `Sidekiq booted (its version is in the line). The compose health check greps for the Sidekiq major ` +
      `version ('[s]idekiq\\ N': ${describeSteps(PATCH_FACTS.officialSidekiqGrep, (grep) => grep)}; Sidekiq ` +
      `${describeSteps(MINOR_FACTS.sidekiqMajor, String)}); a mismatch shows sidekiq unhealthy while it works.`,
    severity: 'info',
  },
];

/**
 * The derived finding when the booted Sidekiq and the health check's grep disagree (not a line pattern, so not in the
 * table).
 */
export const STALE_SIDEKIQ_HEALTHCHECK_ID = 'sidekiq-healthcheck-stale';

export function recogniseLine(text: string): LogRecogniser | undefined {
  return LOG_RECOGNISERS.find((recogniser) => recogniser.pattern.test(text));
}

export type LineLevel = 'error' | 'warning' | 'stderr' | 'normal';

const ERROR_WORDS = /\b(?:ERROR|FATAL|PANIC|CRITICAL)\b|\bERR!|Errno::|\bstatus=5\d\d\b|\b\w*(?:Error|Exception)\b/;
const WARNING_WORDS = /\b(?:WARN|WARNING)\b/;

/** How the view highlights a line: error words first, then warnings, then stderr as such. */
export function lineLevel(line: { stream: 'stdout' | 'stderr'; text: string }, recognised?: LogRecogniser): LineLevel {
  if (recognised?.severity === 'error' || ERROR_WORDS.test(line.text)) return 'error';
  if (recognised?.severity === 'warning' || WARNING_WORDS.test(line.text)) return 'warning';
  return line.stream === 'stderr' ? 'stderr' : 'normal';
}

/** What the sidekiq container's health check greps for, read by the one grep reader (sidekiq-grep.ts). */
export type SidekiqHealthcheck = SidekiqGrep;
export { parseHealthcheckTestGrep as parseSidekiqHealthcheck } from './sidekiq-grep';

export interface LogFinding {
  id: string;
  title: string;
  diagnosis: string;
  severity: LogSeverity;
  fix?: LogFix;
  count: number;
  firstAt?: string;
  lastAt?: string;
  /** The newest matching line. */
  example: string;
  /** For burst recognisers: the most matching lines within `seconds`. */
  peak?: { count: number; seconds: number };
}

export interface FindingsContext {
  /** The sidekiq container's health check, when the log is sidekiq's: adds the stale-check finding. */
  sidekiqHealthcheck?: SidekiqHealthcheck;
}

const SEVERITY_ORDER: Record<LogSeverity, number> = { error: 0, warning: 1, info: 2 };
const MAX_EXAMPLE = 500;

function peakWithin(times: number[], seconds: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= seconds * 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** One finding per recogniser that matched: how often, first and last time, the newest line. */
export function summariseFindings(
  lines: readonly { at?: string; text: string }[],
  context: FindingsContext = {},
): LogFinding[] {
  const found = new Map<
    string,
    { recogniser: LogRecogniser; count: number; firstAt?: string; lastAt?: string; example: string; times: number[] }
  >();
  let sidekiq: { version: string; at?: string } | undefined;
  for (const line of lines) {
    const recogniser = recogniseLine(line.text);
    if (!recogniser) continue;
    const entry = found.get(recogniser.id) ?? { recogniser, count: 0, example: '', times: [] };
    entry.count += 1;
    entry.example = line.text.trim().slice(0, MAX_EXAMPLE);
    if (line.at) {
      if (!entry.firstAt || line.at < entry.firstAt) entry.firstAt = line.at;
      if (!entry.lastAt || line.at > entry.lastAt) entry.lastAt = line.at;
      const ms = Date.parse(line.at);
      if (Number.isFinite(ms)) entry.times.push(ms);
    }
    found.set(recogniser.id, entry);
    if (recogniser.id === 'sidekiq-booting') {
      const version = /Booting Sidekiq (\d+\.\d+(?:\.\d+)?)/.exec(line.text)?.[1];
      if (version) sidekiq = { version, ...(line.at ? { at: line.at } : {}) };
    }
  }
  const findings: LogFinding[] = [...found.values()].map(({ recogniser, count, firstAt, lastAt, example, times }) => ({
    id: recogniser.id,
    title: recogniser.title,
    diagnosis: recogniser.diagnosis,
    severity: recogniser.severity,
    ...(recogniser.fix ? { fix: recogniser.fix } : {}),
    count,
    ...(firstAt ? { firstAt } : {}),
    ...(lastAt ? { lastAt } : {}),
    example,
    ...(recogniser.burstSeconds && times.length > 0
      ? { peak: { count: peakWithin(times, recogniser.burstSeconds), seconds: recogniser.burstSeconds } }
      : {}),
  }));
  const check = context.sidekiqHealthcheck;
  const bootedMajor = sidekiqMajorOfText(sidekiq?.version);
  if (sidekiq && check && bootedMajor !== undefined && !grepFindsMajor(check, bootedMajor)) {
    findings.push({
      id: STALE_SIDEKIQ_HEALTHCHECK_ID,
      title: 'Health check looks for another Sidekiq',
      diagnosis:
        `Sidekiq ${sidekiq.version} runs, but the compose health check greps for '${check.grep}', so Docker ` +
        `calls sidekiq unhealthy while it works (an old docker-compose.yml with a newer image). Change the ` +
        `sidekiq healthcheck to grep '${grepFor(bootedMajor)}', or '${grepFor('any')}' for any version, and ` +
        `recreate the container.`,
      severity: 'warning',
      count: 1,
      ...(sidekiq.at ? { firstAt: sidekiq.at, lastAt: sidekiq.at } : {}),
      example: `healthcheck: ps aux | grep '${check.grep}'`,
    });
  }
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (b.lastAt ?? '').localeCompare(a.lastAt ?? '') ||
      b.count - a.count,
  );
}
