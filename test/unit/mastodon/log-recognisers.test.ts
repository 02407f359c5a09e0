import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

import {
  LOG_RECOGNISERS,
  STALE_SIDEKIQ_HEALTHCHECK_ID,
  lineLevel,
  parseSidekiqHealthcheck,
  recogniseLine,
  summariseFindings,
} from '@/lib/mastodon/log-recognisers';

/**
 * Lines as Mastodon, Rails, Ruby, libpq, the redis gems, Sidekiq and the streaming server print them
 * (Mastodon's config/initializers, the gems' error classes, and the test bed's stand-ins in
 * scripts/testbed/images/standins).
 */
const SAMPLES: [id: string, line: string][] = [
  // The web stand-in, verbatim (scripts/testbed/images/standins/web).
  [
    'media-eacces',
    '[68d5771a-fe31-4b6e-a56f-bcdbee5a5960] method=PATCH path=/api/v1/accounts/update_credentials format=html ' +
      "controller=Api::V1::Accounts::CredentialsController action=update status=500 error='Errno::EACCES: " +
      "Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts' duration=41.72 view=0.00 db=3.18",
  ],
  [
    'media-eacces',
    '[68d5771a-fe31-4b6e-a56f-bcdbee5a5960] Errno::EACCES (Permission denied @ dir_s_mkdir - ' +
      '/opt/mastodon/public/system/accounts):',
  ],
  [
    'media-eacces',
    'Errno::EACCES: Permission denied @ rb_sysopen - /mastodon/public/system/cache/media_attachments/files/' +
      '111/222/333/original/a1b2.png',
  ],
  ['tmp-eacces', 'Errno::EACCES: Permission denied @ rb_sysopen - /opt/mastodon/tmp/pids/server.pid'],
  ['postgres-auth', 'PG::ConnectionBad: FATAL:  password authentication failed for user "mastodon"'],
  [
    'postgres-auth',
    'ActiveRecord::ConnectionNotEstablished: connection to server at "172.18.0.2", port 5432 failed: FATAL:  ' +
      'password authentication failed for user "postgres"',
  ],
  [
    'postgres-auth',
    'FATAL:  no pg_hba.conf entry for host "172.18.0.5", user "mastodon", database "mastodon_production", no ' +
      'encryption',
  ],
  [
    'postgres-host-unknown',
    'PG::ConnectionBad: could not translate host name "db" to address: Name or service not known',
  ],
  ['postgres-host-unknown', 'Error: getaddrinfo EAI_AGAIN db'],
  ['postgres-refused', 'PG::ConnectionBad: could not connect to server: Connection refused'],
  ['postgres-refused', 'PG::ConnectionBad: connection to server at "172.18.0.2", port 5432 failed: Connection refused'],
  [
    'postgres-refused',
    '[5a1c] ActiveRecord::ConnectionNotEstablished (connection to server at "db" (172.18.0.2), port 5432 ' +
      'failed: Connection refused',
  ],
  [
    'postgres-refused',
    'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory',
  ],
  ['postgres-refused', 'ERR! error: connect ECONNREFUSED 172.18.0.2:5432'],
  ['redis-auth', 'Redis::CommandError: NOAUTH Authentication required.'],
  ['redis-auth', 'RedisClient::AuthenticationError: WRONGPASS invalid username-password pair or user is disabled.'],
  ['redis-unreachable', 'Redis::CannotConnectError: Error connecting to Redis on redis:6379 (Errno::ECONNREFUSED)'],
  ['redis-unreachable', 'RedisClient::CannotConnectError: Connection refused - connect(2) for 172.18.0.3:6379'],
  [
    'redis-unreachable',
    '2026-11-26T16:31:53.000Z pid=7 tid=1 ERROR: Error fetching job: Error connecting to Redis on ' +
      'localhost:6379 (Errno::ECONNREFUSED)',
  ],
  ['redis-unreachable', '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 172.18.0.3:6379'],
  ['redis-unreachable', 'Error: getaddrinfo ENOTFOUND redis'],
  ['remote-429', 'Mastodon::UnexpectedResponseError: https://mastodon.example/inbox returned code 429'],
  ['rate-limited', '[b2c1] Rate limit hit (throttle): 203.0.113.7 GET /api/v1/timelines/public?local=true'],
  [
    'rate-limited',
    '[b2c1] method=POST path=/api/v1/statuses format=json controller=Api::V1::StatusesController ' +
      'action=create status=429 duration=3.10 view=0.31 db=0.80',
  ],
  ['rate-limited', '{"error":"Too many requests"}'],
  ['ip-blocked', '[b2c1] Rate limit hit (blocklist): 198.51.100.9 GET /api/v1/instance'],
  ['active-record-encryption-missing', 'Mastodon now requires that these variables are set:'],
  [
    'active-record-encryption-missing',
    'ActiveRecord::Encryption::Errors::Configuration: Missing Active Record encryption credential: ' +
      'active_record_encryption.primary_key',
  ],
  [
    'secret-key-base-missing',
    "Missing `secret_key_base` for 'production' environment, set this string with `bin/rails " +
      'credentials:edit` (ArgumentError)',
  ],
  [
    'secret-key-base-missing',
    '/opt/mastodon/config/initializers/secret_key_base.rb:3:in `fetch\': key not found: "SECRET_KEY_BASE" (KeyError)',
  ],
  [
    'otp-secret-missing',
    '/opt/mastodon/config/environments/production.rb:150:in `fetch\': key not found: "OTP_SECRET" (KeyError)',
  ],
  [
    'env-key-missing',
    '/opt/mastodon/config/initializers/vapid.rb:4:in `fetch\': key not found: "VAPID_PRIVATE_KEY" (KeyError)',
  ],
  ['env-key-missing', 'KeyError: key not found: "LOCAL_DOMAIN"'],
  [
    'redis-namespace-unsupported',
    'ERROR: the REDIS_NAMESPACE environment variable is no longer supported, and a migration is required.',
  ],
  [
    'redis-namespace-deprecated',
    'WARNING: the REDIS_NAMESPACE environment variable is deprecated and will be removed in Mastodon 4.4.0.',
  ],
  // The sidekiq stand-in, verbatim.
  [
    'sidekiq-booting',
    '2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Booting Sidekiq 6.5.12 with ' +
      'Sidekiq::RedisConnection::RedisAdapter options {:url=>"redis://:REDACTED@127.0.0.1:56379/0"}',
  ],
  [
    'sidekiq-booting',
    '2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Booting Sidekiq 7.3.9 with ' +
      'Sidekiq::RedisConnection::RedisAdapter options {}',
  ],
];

const ORDINARY = [
  '[11049f8b-d06b-4dfe-b219-ed7e792c8d4c] method=GET path=/health format=*/* controller=HealthController ' +
    'action=show status=200 duration=0.31 view=0.12',
  '[11049f8b] method=GET path=/api/v1/timelines/home format=json status=200 duration=429.10 view=42.9',
  '[11049f8b] method=GET path=/api/v1/accounts/4290 status=404 duration=1.0',
  '2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Starting processing, hit Ctrl-C to stop',
  '2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Running in ruby 3.3.5 (2024-09-03 revision ef084cc8f4) +YJIT ' +
    '[x86_64-linux]',
  '2026-11-26 16:31:53.123 UTC [1] LOG:  database system is ready to accept connections',
  '1:M 26 Nov 2026 16:31:53.000 * Ready to accept connections tcp',
  'Puma starting in single mode...',
  '* Listening on http://127.0.0.1:3000',
  "[68d5] app/controllers/api/v1/accounts/credentials_controller.rb:17:in `update'",
  'Errno::EACCES: Permission denied @ rb_sysopen - /etc/hosts',
  'Sidekiq 7 is booting soon',
  'Rate limit headers: X-RateLimit-Remaining: 299',
];

describe('LOG_RECOGNISERS', () => {
  it('has unique ids, one-line diagnoses, and patterns without state (no g or y flag)', () => {
    const ids = LOG_RECOGNISERS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const recogniser of LOG_RECOGNISERS) {
      expect(recogniser.pattern.flags).not.toMatch(/[gy]/);
      for (const locale of ['en', 'de'] as const) {
        const translate = translatorFor(locale);
        expect(renderText(translate, recogniser.diagnosis)).not.toContain('\n');
        expect(renderText(translate, recogniser.diagnosis)).not.toMatch(/[{}]/);
        expect(renderText(translate, recogniser.title).length).toBeLessThanOrEqual(40);
      }
      if (recogniser.fix) expect(recogniser.fix.href).toMatch(/^\/[a-z]/);
    }
  });

  it('has real lines in this test for every row', () => {
    expect(new Set(SAMPLES.map(([id]) => id))).toEqual(new Set(LOG_RECOGNISERS.map((r) => r.id)));
  });

  it.each(SAMPLES)('recognises %s in: %s', (id, line) => {
    expect(recogniseLine(line)?.id).toBe(id);
  });

  it.each(ORDINARY)('leaves an ordinary line alone: %s', (line) => {
    expect(recogniseLine(line)).toBeUndefined();
  });

  it('offers the media permission fix (the /media page) for the media EACCES, and no made-up fix elsewhere', () => {
    const fix = recogniseLine(SAMPLES[0]![1])?.fix;
    expect(fix?.href).toBe('/media');
    expect(inEnglish(fix!.label)).toBe('Fix media permissions');
    expect(renderText(translatorFor('de'), fix!.label)).toBe('Medien-Berechtigungen reparieren');
    const title = recogniseLine(SAMPLES[0]![1])!.title;
    expect(inEnglish(title)).toBe('Media folder not writable');
    expect(renderText(translatorFor('de'), title)).toBe('Medienordner nicht beschreibbar');
    expect(LOG_RECOGNISERS.filter((r) => r.fix).map((r) => r.id)).toEqual(['media-eacces']);
  });

  it('puts specific rows first: a password failure is not "unreachable", OTP_SECRET is not a generic key', () => {
    const ids = LOG_RECOGNISERS.map((r) => r.id);
    expect(ids.indexOf('postgres-auth')).toBeLessThan(ids.indexOf('postgres-refused'));
    expect(ids.indexOf('postgres-host-unknown')).toBeLessThan(ids.indexOf('postgres-refused'));
    expect(ids.indexOf('otp-secret-missing')).toBeLessThan(ids.indexOf('env-key-missing'));
    expect(ids.indexOf('secret-key-base-missing')).toBeLessThan(ids.indexOf('env-key-missing'));
    expect(ids.indexOf('remote-429')).toBeLessThan(ids.indexOf('rate-limited'));
  });
});

describe('lineLevel', () => {
  it('marks error words, 5xx statuses and Errno as errors, whatever the stream', () => {
    expect(lineLevel({ stream: 'stdout', text: SAMPLES[0]![1] })).toBe('error');
    expect(
      lineLevel({
        stream: 'stdout',
        text: '2026-11-26 16:31:53.123 UTC [77] FATAL:  terminating connection due to administrator command',
      }),
    ).toBe('error');
    expect(lineLevel({ stream: 'stdout', text: '[x] method=GET path=/ status=502 duration=1.0' })).toBe('error');
    expect(lineLevel({ stream: 'stdout', text: "NoMethodError (undefined method `id' for nil)" })).toBe('error');
    expect(lineLevel({ stream: 'stdout', text: 'ERR! Redis Error: connect ECONNREFUSED' })).toBe('error');
  });

  it('marks warnings, then stderr as such, and leaves the rest normal', () => {
    expect(lineLevel({ stream: 'stdout', text: 'pid=7 tid=1 WARN: Your Redis instance will evict Sidekiq data' })).toBe(
      'warning',
    );
    expect(
      lineLevel({ stream: 'stderr', text: '2026-11-26 16:31:53.123 UTC [1] LOG:  checkpoint starting: time' }),
    ).toBe('stderr');
    expect(lineLevel({ stream: 'stdout', text: '[x] method=GET path=/health status=200 duration=0.31' })).toBe(
      'normal',
    );
    expect(lineLevel({ stream: 'stdout', text: 'status=200 errors_count=0' })).toBe('normal');
  });

  it('follows the recogniser’s severity for a recognised line without error words', () => {
    const line = '[b2c1] Rate limit hit (throttle): 203.0.113.7 GET /api/v1/timelines/public';
    expect(lineLevel({ stream: 'stdout', text: line }, recogniseLine(line))).toBe('warning');
  });
});

describe('parseSidekiqHealthcheck', () => {
  it('reads the major version from the official compose checks and the test bed’s', () => {
    expect(parseSidekiqHealthcheck(['CMD-SHELL', "ps aux | grep '[s]idekiq\\ 6' || false"])).toEqual({
      grep: '[s]idekiq\\ 6',
      major: 6,
    });
    expect(
      parseSidekiqHealthcheck([
        'CMD-SHELL',
        "if [ -e /tmp/unhealthy ]; then echo 'unhealthy: /tmp/unhealthy present'; exit 1; fi; ps aux | grep " +
          "'[s]idekiq\\ 7' || false",
      ]),
    ).toEqual({ grep: '[s]idekiq\\ 7', major: 7 });
    expect(parseSidekiqHealthcheck(['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [0-9]' || false"])).toEqual({
      grep: '[s]idekiq\\ [0-9]',
      major: 'any',
    });
  });

  it("reads 4.5.0's '[s]idekiq\\ [78]' as Sidekiq 7 or 8, so a booted Sidekiq 8 is not called stale", () => {
    const check = parseSidekiqHealthcheck(['CMD-SHELL', "ps aux | grep '[s]idekiq\\ [78]' || false"]);
    expect(check).toEqual({ grep: '[s]idekiq\\ [78]', major: [7, 8] });
    const boot = (major: number) => ({
      text:
        `2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Booting Sidekiq ${major}.0.9 with ` +
        `Sidekiq::RedisConnection::RedisAdapter options {}`,
    });
    expect(summariseFindings([boot(8)], { sidekiqHealthcheck: check! }).map((f) => f.id)).not.toContain(
      STALE_SIDEKIQ_HEALTHCHECK_ID,
    );
    expect(summariseFindings([boot(6)], { sidekiqHealthcheck: check! }).map((f) => f.id)).toContain(
      STALE_SIDEKIQ_HEALTHCHECK_ID,
    );
  });

  it('says nothing for checks that do not grep for sidekiq', () => {
    expect(parseSidekiqHealthcheck(undefined)).toBeUndefined();
    expect(parseSidekiqHealthcheck(['CMD', 'pg_isready', '-U', 'postgres'])).toBeUndefined();
  });
});

describe('summariseFindings', () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 17, 0, 0) + seconds * 1000).toISOString();
  const throttled = (seconds: number) => ({
    at: at(seconds),
    text: `[r${seconds}] Rate limit hit (throttle): 203.0.113.7 GET /api/v1/timelines/public`,
  });

  it('gives one finding per recogniser with count, first and last time and the newest line; errors first', () => {
    const lines = [
      throttled(0),
      { at: at(1), text: SAMPLES[1]![1] },
      { at: at(2), text: 'ordinary line' },
      { at: at(5), text: SAMPLES[0]![1] },
      throttled(9),
    ];
    const findings = summariseFindings(lines);
    expect(findings.map((f) => f.id)).toEqual(['media-eacces', 'rate-limited']);
    expect(findings[0]).toMatchObject({
      count: 2,
      firstAt: at(1),
      lastAt: at(5),
      severity: 'error',
      fix: { href: '/media' },
      example: SAMPLES[0]![1],
    });
    expect(findings[1]).toMatchObject({ count: 2, firstAt: at(0), lastAt: at(9), severity: 'warning' });
  });

  it('reports the peak of a burst within the recogniser’s window', () => {
    // 3 spread out over ten minutes, then 25 within 30 s.
    const lines = [
      throttled(0),
      throttled(200),
      throttled(400),
      ...Array.from({ length: 25 }, (_, i) => throttled(600 + i)),
    ];
    const [finding] = summariseFindings(lines);
    expect(finding).toMatchObject({ id: 'rate-limited', count: 28, peak: { count: 25, seconds: 60 } });
    expect(summariseFindings([throttled(0), throttled(61), throttled(122)])[0]?.peak).toEqual({
      count: 1,
      seconds: 60,
    });
  });

  it('says so when the booted Sidekiq is not what the health check greps for', () => {
    const boot = {
      at: at(0),
      text:
        '2026-11-26T16:31:53.000Z pid=7 tid=1 INFO: Booting Sidekiq 7.3.9 with ' +
        'Sidekiq::RedisConnection::RedisAdapter options {}',
    };
    const stale = summariseFindings([boot], { sidekiqHealthcheck: { grep: '[s]idekiq\\ 6', major: 6 } });
    expect(stale.map((f) => f.id)).toEqual([STALE_SIDEKIQ_HEALTHCHECK_ID, 'sidekiq-booting']);
    const diagnosis = inEnglish(stale[0]!.diagnosis);
    expect(diagnosis).toContain("Sidekiq 7.3.9 runs, but the compose health check greps for '[s]idekiq\\ 6'");
    expect(diagnosis).toContain("grep '[s]idekiq\\ 7'");
    expect(inEnglish(stale[0]!.title)).toBe('Health check looks for another Sidekiq');
    const german = renderText(translatorFor('de'), stale[0]!.diagnosis);
    expect(german).toContain(
      "Sidekiq 7.3.9 läuft, aber die Compose-Zustandsprüfung sucht per grep nach '[s]idekiq\\ 6'",
    );
    expect(german).toContain("grep '[s]idekiq\\ 7' oder '[s]idekiq\\ [0-9]'");
    expect(
      summariseFindings([boot], { sidekiqHealthcheck: { grep: '[s]idekiq\\ 7', major: 7 } }).map((f) => f.id),
    ).toEqual(['sidekiq-booting']);
    expect(
      summariseFindings([boot], { sidekiqHealthcheck: { grep: '[s]idekiq\\ [0-9]', major: 'any' } }).map((f) => f.id),
    ).toEqual(['sidekiq-booting']);
    expect(summariseFindings([boot]).map((f) => f.id)).toEqual(['sidekiq-booting']);
  });

  it('finds nothing in ordinary lines', () => {
    expect(summariseFindings(ORDINARY.map((text) => ({ text })))).toEqual([]);
  });
});
