/**
 * Known problems in Mastodon's container logs, as data: one table of pattern → diagnosis → fix. A line
 * takes the first recogniser that matches, so specific rows come before general ones (a password
 * failure is also a PG::ConnectionBad). To add one: a row here and real lines for it in
 * test/unit/mastodon/log-recognisers.test.ts. Pure, so that the browser's log view runs it too.
 * Patterns must not use the g or y flags (RegExp.test would then keep state between lines).
 */

import { text, type Text } from '@/lib/i18n/text';

import { grepFindsMajor, grepFor, sidekiqMajorOfText, type SidekiqGrep } from './sidekiq-grep';
import { describeSteps, MINOR_FACTS, PATCH_FACTS, since } from './version-facts';

export type LogSeverity = 'error' | 'warning' | 'info';

export interface LogFix {
  label: Text;
  href: string;
}

export interface LogRecogniser {
  id: string;
  /** A few words for the badge on the line. */
  title: Text;
  pattern: RegExp;
  /** One line: what it means and what to do. */
  diagnosis: Text;
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
    title: text('recognisers.mediaEacces.title'),
    pattern: /Errno::EACCES\b.*\bpublic\/system\b/,
    diagnosis: text('recognisers.mediaEacces.diagnosis'),
    fix: { label: text('recognisers.fixMedia'), href: '/media' },
    severity: 'error',
  },
  {
    id: 'tmp-eacces',
    title: text('recognisers.tmpEacces.title'),
    pattern: /Errno::EACCES\b.*\/mastodon\/tmp\b/,
    diagnosis: text('recognisers.tmpEacces.diagnosis'),
    severity: 'error',
  },
  {
    id: 'postgres-auth',
    title: text('recognisers.postgresAuth.title'),
    pattern: /password authentication failed for user|no pg_hba\.conf entry for host/,
    diagnosis: text('recognisers.postgresAuth.diagnosis'),
    severity: 'error',
  },
  {
    id: 'postgres-host-unknown',
    title: text('recognisers.postgresHostUnknown.title'),
    pattern: /could not translate host name "[^"]*" to address|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) db\b/,
    diagnosis: text('recognisers.postgresHostUnknown.diagnosis'),
    severity: 'error',
  },
  {
    id: 'postgres-refused',
    title: text('recognisers.postgresRefused.title'),
    pattern: anyOf(
      /\bPG::ConnectionBad\b|\bActiveRecord::ConnectionNotEstablished\b|could not connect to server/,
      /connection to server (?:at|on socket) .* failed|\bECONNREFUSED \S+:5432\b/,
    ),
    diagnosis: text('recognisers.postgresRefused.diagnosis'),
    severity: 'error',
  },
  {
    id: 'redis-auth',
    title: text('recognisers.redisAuth.title'),
    pattern: /\bNOAUTH Authentication required\b|\bWRONGPASS\b/,
    diagnosis: text('recognisers.redisAuth.diagnosis'),
    severity: 'error',
  },
  {
    id: 'redis-unreachable',
    title: text('recognisers.redisUnreachable.title'),
    pattern: anyOf(
      /\bRedis(?:Client)?::CannotConnectError\b|Error connecting to Redis|\bECONNREFUSED \S+:6379\b/,
      /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) redis\b/,
    ),
    diagnosis: text('recognisers.redisUnreachable.diagnosis'),
    severity: 'error',
  },
  {
    id: 'remote-429',
    title: text('recognisers.remote429.title'),
    pattern: /returned code 429\b/,
    diagnosis: text('recognisers.remote429.diagnosis'),
    severity: 'info',
    burstSeconds: 60,
  },
  {
    id: 'rate-limited',
    title: text('recognisers.rateLimited.title'),
    pattern: /Rate limit hit \(throttle\)|\bstatus=429\b|\bToo many requests\b/,
    diagnosis: text('recognisers.rateLimited.diagnosis'),
    severity: 'warning',
    burstSeconds: 60,
  },
  {
    id: 'ip-blocked',
    title: text('recognisers.ipBlocked.title'),
    pattern: /Rate limit hit \(blocklist\)/,
    diagnosis: text('recognisers.ipBlocked.diagnosis'),
    severity: 'info',
  },
  {
    id: 'active-record-encryption-missing',
    title: text('recognisers.activeRecordEncryptionMissing.title'),
    pattern: /Mastodon now requires that these variables are set|Missing Active Record encryption credential/,
    diagnosis: text('recognisers.activeRecordEncryptionMissing.diagnosis', {
      release: since('activeRecordEncryptionRequired', true),
    }),
    severity: 'error',
  },
  {
    id: 'secret-key-base-missing',
    title: text('recognisers.secretKeyBaseMissing.title'),
    pattern: /Missing `secret_key_base`|key not found: "SECRET_KEY_BASE"/,
    diagnosis: text('recognisers.secretKeyBaseMissing.diagnosis'),
    severity: 'error',
  },
  {
    id: 'otp-secret-missing',
    title: text('recognisers.otpSecretMissing.title'),
    pattern: /key not found: "OTP_SECRET"/,
    diagnosis: text('recognisers.otpSecretMissing.diagnosis', { release: since('otpSecretRequired', false) }),
    severity: 'error',
  },
  {
    id: 'env-key-missing',
    title: text('recognisers.envKeyMissing.title'),
    pattern: /key not found: "[A-Z][A-Z0-9_]*" \(KeyError\)|KeyError: key not found: "[A-Z][A-Z0-9_]*"/,
    diagnosis: text('recognisers.envKeyMissing.diagnosis'),
    severity: 'error',
  },
  {
    id: 'redis-namespace-unsupported',
    title: text('recognisers.redisNamespaceUnsupported.title'),
    pattern: /REDIS_NAMESPACE environment variable is no longer supported/,
    diagnosis: text('recognisers.redisNamespaceUnsupported.diagnosis', { release: since('redisNamespace', 'refused') }),
    severity: 'error',
  },
  {
    id: 'redis-namespace-deprecated',
    title: text('recognisers.redisNamespaceDeprecated.title'),
    pattern: /REDIS_NAMESPACE environment variable is deprecated/,
    diagnosis: text('recognisers.redisNamespaceDeprecated.diagnosis', { release: since('redisNamespace', 'refused') }),
    severity: 'warning',
  },
  {
    id: 'sidekiq-booting',
    title: text('recognisers.sidekiqBooting.title'),
    pattern: /\bBooting Sidekiq \d+\.\d+/,
    diagnosis: text('recognisers.sidekiqBooting.diagnosis', {
      greps: describeSteps(PATCH_FACTS.officialSidekiqGrep, (grep) => grep),
      majors: describeSteps(MINOR_FACTS.sidekiqMajor, String),
    }),
    severity: 'info',
  },
];

/**
 * The derived finding when the booted Sidekiq and the health check's grep disagree (not a line pattern, so not in the
 * table).
 */
export const STALE_SIDEKIQ_HEALTHCHECK_ID = 'sidekiq-healthcheck-stale';

export function recogniseLine(line: string): LogRecogniser | undefined {
  return LOG_RECOGNISERS.find((recogniser) => recogniser.pattern.test(line));
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
  title: Text;
  diagnosis: Text;
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
      title: text('recognisers.staleHealthcheck.title'),
      diagnosis: text('recognisers.staleHealthcheck.diagnosis', {
        version: sidekiq.version,
        grep: check.grep,
        grepBooted: grepFor(bootedMajor),
        grepAny: grepFor('any'),
      }),
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
