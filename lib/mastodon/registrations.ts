import 'server-only';

import type pg from 'pg';

import { getConfig } from '../config';
import { AppError, type ErrorView } from '../errors';
import { postgres } from '../postgres/client';
import { connectedRedis } from '../redis/client';
import { parseYamlScalar, writeYamlScalar, type YamlParseResult } from './settings-yaml';
import { parseMastodonVersion, type MastodonVersion } from './version';
import { readRunningVersion, type RunningVersion } from './running-version';
import { describeUndecided, factsFor, firstReleaseWith, type Decided } from './version-facts';

/**
 * The registration mode (shared/reference/mastodon.md §1): read from Mastodon's `settings` table,
 * explained against the version's default and the environment's overrides, and changed so that the
 * running Mastodon sees it at once.
 *
 * Why Postgres + cache delete and not `tootctl settings registrations`: tootctl goes through the model
 * (after_commit rewrites the cache) but boots Rails for several seconds and needs web or sidekiq
 * running, which is exactly when an admin may need it least (closing sign-ups during a spam wave while
 * web is crash-looping, or before starting a restored server). Writing the row ourselves works with
 * every Mastodon container down, takes milliseconds, and its cache semantics are exact: Rails reads a
 * setting with `Rails.cache.fetch(key) { row&.value || default }`, so a deleted entry is refilled from
 * the row we just committed, which is what the rewrite after_commit achieves. We also drop the
 * /api/v*\/instance cache that tootctl leaves stale for three minutes. The cost is schema knowledge
 * (the thing_type columns of older releases, the unique var index of later ones), detected from the table itself,
 * and the read-before-commit race, closed by a second delete a second later (the 10-minute TTL bounds
 * it in any case). Mastodon validates nothing on these rows, so nothing is skipped by not using it.
 */

export const REGISTRATION_MODES = ['open', 'approved', 'none'] as const;
export type RegistrationsMode = (typeof REGISTRATION_MODES)[number];

export const REGISTRATION_MODE_LABELS: Record<RegistrationsMode, string> = {
  open: 'Open',
  approved: 'Approval required',
  none: 'Closed',
};

export const REGISTRATION_VARS = ['registrations_mode', 'require_invite_text', 'closed_registrations_message'] as const;
export type RegistrationVar = (typeof REGISTRATION_VARS)[number];

/** `thing-columns` (site-wide rows have thing_type and thing_id NULL) or `var-unique`: version-facts settingsShape. */
export type SettingsSchema = 'thing-columns' | 'var-unique';

/** Which Mastodon version runs, and where that was read (lib/mastodon/running-version.ts). */
export type VersionInfo = RunningVersion;

export interface StoredSetting {
  source: 'stored' | 'default';
  /** The row's text as stored, when there is a row. */
  raw?: string;
}

export interface ModeState extends StoredSetting {
  /** One of the three modes; undefined when the stored value is not one of them, or the default is unknown. */
  mode?: RegistrationsMode;
  /** A stored value that is not open, approved or none, described as found. */
  unrecognised?: string;
  /** Why the default is not known, when there is no row and the version is unknown. */
  defaultUnknown?: string;
}

export interface FlagState extends StoredSetting {
  /** As Ruby tests it: anything but false and nil counts as true. */
  value: boolean;
  /** Set when the stored value is not a plain boolean (e.g. the string 'false', which Ruby treats as true). */
  note?: string;
}

export interface TextState extends StoredSetting {
  value: string;
  note?: string;
}

export interface RegistrationOverride {
  code:
    'single_user_mode' | 'auto_switch_to_approved' | 'auto_switch_disabled' | 'auto_switch_maybe' | 'unrecognised_mode';
  tone: 'bad' | 'warn' | 'neutral';
  message: string;
}

export interface RegistrationSettings {
  schema: SettingsSchema;
  version: VersionInfo;
  mode: ModeState;
  requireInviteText: FlagState;
  closedRegistrationsMessage: TextState;
  overrides: RegistrationOverride[];
  /** What a visitor meets, all things considered. */
  effective: 'open' | 'approved' | 'closed' | 'unknown';
}

export interface RegistrationOverridesEnv {
  singleUserMode: boolean;
  autoApprovedSwitchDisabled: boolean;
  /** EMAIL_DOMAIN_ALLOWLIST or the older EMAIL_DOMAIN_WHITELIST (which Mastodon still reads) is set. */
  emailDomainAllowlist: boolean;
}

// ---- pure logic ----------------------------------------------------------------------------------

function describeParsed(parsed: YamlParseResult): string {
  if (!parsed.ok) return `not readable as YAML (${parsed.problem})`;
  switch (parsed.tag) {
    case 'str':
      return `the text ${JSON.stringify(parsed.value)}`;
    case 'symbol':
      return `the Ruby symbol :${parsed.value}, which never equals a mode`;
    case 'null':
      return 'nil';
    case 'timestamp':
      return `the date ${parsed.value}, which Mastodon refuses to load`;
    default:
      return `the ${parsed.tag === 'bool' ? 'boolean' : 'number'} ${String(parsed.value)}`;
  }
}

/**
 * The version's facts when known; otherwise what the schema proves: the var-unique shape exists only from the
 * release that introduced it, where the registration default and the automatic switch are settled too; the thing
 * columns leave everything before open. A minor-only version leaves facts that change at a patch undecided.
 */
export function knownTraits(
  version: VersionInfo,
  schema: SettingsSchema,
): { defaultMode?: Decided<RegistrationsMode>; autoSwitch?: Decided<boolean>; namespaced?: boolean } {
  if (version.version) {
    const facts = factsFor(version.version);
    return {
      defaultMode: facts.defaultRegistrationsMode,
      autoSwitch: facts.autoSwitchToApproved,
      namespaced: facts.redisNamespace === 'honoured',
    };
  }
  const varUniqueFrom = parseMastodonVersion(firstReleaseWith('settingsShape', 'var-unique') ?? '');
  if (schema === 'var-unique' && varUniqueFrom) {
    const facts = factsFor(varUniqueFrom);
    return {
      defaultMode: facts.defaultRegistrationsMode,
      autoSwitch: facts.autoSwitchToApproved,
      namespaced: facts.redisNamespace === 'honoured',
    };
  }
  return { namespaced: true };
}

function modeDefaultText(): string {
  const closedFrom = firstReleaseWith('defaultRegistrationsMode', 'none');
  return `open before ${closedFrom}, closed from ${closedFrom} on`;
}

export function interpretMode(raw: string | undefined, version: VersionInfo, schema: SettingsSchema): ModeState {
  if (raw === undefined) {
    const { defaultMode } = knownTraits(version, schema);
    if (defaultMode?.known) return { source: 'default', mode: defaultMode.value };
    if (defaultMode && version.version) {
      return {
        source: 'default',
        defaultUnknown:
          `No row is stored, so the version's default applies, and it changed within ${version.version.major}.${version.version.minor} ` +
          `(${describeUndecided(defaultMode, version.version, (mode) => REGISTRATION_MODE_LABELS[mode].toLowerCase())}). ` +
          `${version.source} names no patch release, so either may apply; choose a mode below to store one.`,
      };
    }
    return {
      source: 'default',
      defaultUnknown: `No row is stored, so the version's default applies: ${modeDefaultText()}. The version is unknown (${version.version ? '' : version.problem}).`,
    };
  }
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str' && (REGISTRATION_MODES as readonly string[]).includes(parsed.value)) {
    return { source: 'stored', raw, mode: parsed.value as RegistrationsMode };
  }
  return { source: 'stored', raw, unrecognised: describeParsed(parsed) };
}

export function interpretFlag(raw: string | undefined): FlagState {
  if (raw === undefined) return { source: 'default', value: false };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'bool') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null')
    return { source: 'stored', raw, value: false, note: 'Stored as nil, which counts as false.' };
  return {
    source: 'stored',
    raw,
    value: parsed.ok,
    note: parsed.ok
      ? `Stored as ${describeParsed(parsed)}, not a boolean; Ruby counts it as true.`
      : `Stored value is ${describeParsed(parsed)}; Mastodon may fail to load it.`,
  };
}

export function interpretText(raw: string | undefined): TextState {
  if (raw === undefined) return { source: 'default', value: '' };
  const parsed = parseYamlScalar(raw);
  if (parsed.ok && parsed.tag === 'str') return { source: 'stored', raw, value: parsed.value };
  if (parsed.ok && parsed.tag === 'null') return { source: 'stored', raw, value: '' };
  if (parsed.ok)
    return { source: 'stored', raw, value: String(parsed.value), note: `Stored as ${describeParsed(parsed)}.` };
  return { source: 'stored', raw, value: '', note: `Stored value is ${describeParsed(parsed)}.` };
}

/** Puts the rows, the version and the environment together; pure, so every case is a unit test. */
export function interpretRegistrations(input: {
  rows: Partial<Record<RegistrationVar, string>>;
  version: VersionInfo;
  schema: SettingsSchema;
  env: RegistrationOverridesEnv;
}): RegistrationSettings {
  const { rows, version, schema, env } = input;
  const mode = interpretMode(rows.registrations_mode, version, schema);
  const overrides: RegistrationOverride[] = [];
  if (env.singleUserMode) {
    overrides.push({
      code: 'single_user_mode',
      tone: 'bad',
      message: 'SINGLE_USER_MODE=true in .env.production: registrations are disabled whatever this setting says.',
    });
  }
  if (mode.unrecognised) {
    overrides.push({
      code: 'unrecognised_mode',
      tone: 'warn',
      message:
        `The stored registrations_mode is ${mode.unrecognised}, not open, approved or none. Mastodon compares with == 'open' and != 'none', ` +
        'so sign-ups stay enabled but are not approved automatically. Choose a mode below to store a valid one.',
    });
  }
  const { autoSwitch } = knownTraits(version, schema);
  if (mode.mode === 'open' && !env.singleUserMode) {
    const disabledBy = env.autoApprovedSwitchDisabled
      ? 'DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true'
      : env.emailDomainAllowlist
        ? 'the e-mail domain allowlist (EMAIL_DOMAIN_ALLOWLIST or EMAIL_DOMAIN_WHITELIST) being set'
        : undefined;
    const rule =
      `From Mastodon ${firstReleaseWith('autoSwitchToApproved', true)} on, an hourly job (auto_close_registrations_scheduler) switches open registrations ` +
      'to approval-required when no moderator has signed in for about a week, and emails the admins.';
    if (autoSwitch?.known && !autoSwitch.value) {
      // Older releases have no automatic switch.
    } else if (disabledBy) {
      overrides.push({
        code: 'auto_switch_disabled',
        tone: 'neutral',
        message: `${rule} Disabled here by ${disabledBy}.`,
      });
    } else if (autoSwitch?.known) {
      overrides.push({
        code: 'auto_switch_to_approved',
        tone: 'warn',
        message: `${rule} Set DISABLE_AUTOMATIC_SWITCHING_TO_APPROVED_REGISTRATIONS=true to keep them open.`,
      });
    } else {
      const why = version.version ? `${version.source} names no patch release` : 'The version is unknown';
      overrides.push({ code: 'auto_switch_maybe', tone: 'warn', message: `${rule} ${why}, so this may apply.` });
    }
  }
  const effective = env.singleUserMode
    ? 'closed'
    : mode.mode === 'none'
      ? 'closed'
      : mode.mode === 'open'
        ? 'open'
        : mode.mode === 'approved' || mode.unrecognised
          ? 'approved'
          : 'unknown';
  return {
    schema,
    version,
    mode,
    requireInviteText: interpretFlag(rows.require_invite_text),
    closedRegistrationsMessage: interpretText(rows.closed_registrations_message),
    overrides,
    effective,
  };
}

/** Redis glob characters in a namespace are matched literally. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The Rails cache's key prefix: `cache:`, or `<REDIS_NAMESPACE>_cache:` where the version honours a namespace
 * (version-facts redisNamespace; later releases hard-code `cache`). An unknown version is judged by the schema.
 */
export function cacheKeyPrefix(input: {
  version: VersionInfo;
  schema: SettingsSchema;
  redisNamespace?: string;
}): string {
  const { namespaced } = knownTraits(input.version, input.schema);
  return input.redisNamespace && namespaced ? `${input.redisNamespace}_cache:` : 'cache:';
}

/** SCAN patterns for the cached settings and the rendered /api/v1|v2/instance answers. */
export function cachePatterns(prefix: string, vars: readonly RegistrationVar[]): string[] {
  const escaped = globEscape(prefix);
  return [...vars.map((name) => `${escaped}rails_settings_cached/*/${name}`), `${escaped}api/v*/instances/show*`];
}

// ---- Postgres ------------------------------------------------------------------------------------

function postgresDown(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const target = getConfig().mastodon.postgres;
  const where = target.connectionString ? 'DATABASE_URL' : `${target.host}:${target.port}/${target.database}`;
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /timeout/i.test(message)) {
    return new AppError(
      'upstream_failed',
      "Mastodon's Postgres is down",
      `${where} did not answer (${code ?? message}).`,
      'Check the db container and DB_HOST/DB_PORT in .env.production.',
    );
  }
  if (code === '42P01')
    return new AppError(
      'upstream_failed',
      'No settings table',
      `${where} has no settings table; is DB_NAME Mastodon's database?`,
    );
  return new AppError(
    'upstream_failed',
    "Mastodon's Postgres refused the query",
    `${where}: ${code ? `${code} ` : ''}${message}`,
  );
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function detectSettingsSchema(db: Queryable): Promise<SettingsSchema> {
  // The catalog, not information_schema (its views cost about 3 ms here, the catalog 0.2 ms); to_regclass
  // resolves the name through the search_path exactly as the unqualified reads and writes below do.
  const result = await db.query(
    `SELECT to_regclass('settings') IS NOT NULL AS present,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('settings') AND attname = 'thing_type' AND NOT attisdropped) AS legacy`,
  );
  const row = result.rows[0] as { legacy: boolean; present: boolean };
  if (!row.present) throw postgresDown({ code: '42P01' });
  return row.legacy ? 'thing-columns' : 'var-unique';
}

async function readRows(db: Queryable, schema: SettingsSchema): Promise<Partial<Record<RegistrationVar, string>>> {
  const siteWide = schema === 'thing-columns' ? ' AND thing_type IS NULL AND thing_id IS NULL' : '';
  // Newest first: should duplicates exist on the old shape, the first row per var wins here.
  const result = await db.query(
    `SELECT var, value FROM settings WHERE var = ANY($1::varchar[])${siteWide} ORDER BY id DESC`,
    [[...REGISTRATION_VARS]],
  );
  const rows: Partial<Record<RegistrationVar, string>> = {};
  for (const row of result.rows as { var: RegistrationVar; value: string | null }[]) {
    // A NULL value column is YAML nil, as Rails would read it.
    rows[row.var] ??= row.value ?? '';
  }
  return rows;
}

// ---- Redis -----------------------------------------------------------------------------------------

export type CacheState =
  | { ok: true; redis: string; prefix: string; keys: string[] }
  | { ok: false; redis: string; prefix: string; error: ErrorView };

function redisDown(error: unknown): AppError {
  const label = getConfig().mastodon.cacheRedis.label;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(
    'upstream_failed',
    "Mastodon's cache Redis is down",
    `${label}: ${message.replace(/redis:\/\/\S+/g, 'redis://…')}`,
    'Check the redis container and CACHE_REDIS_*/REDIS_* in .env.production.',
  );
}

async function scanKeys(patterns: string[]): Promise<string[]> {
  const client = await connectedRedis('cache');
  const found = new Set<string>();
  for (const match of patterns) {
    await new Promise<void>((resolve, reject) => {
      const stream = client.scanStream({ match, count: 1000 });
      stream.on('data', (keys: string[]) => keys.forEach((key) => found.add(key)));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
  }
  return [...found].sort();
}

async function unlinkKeys(patterns: string[]): Promise<string[]> {
  const keys = await scanKeys(patterns);
  const client = await connectedRedis('cache');
  for (let index = 0; index < keys.length; index += 500) await client.unlink(...keys.slice(index, index + 500));
  return keys;
}

// ---- reading ---------------------------------------------------------------------------------------

export interface RegistrationsReport {
  /** Undefined when Postgres could not be read; `postgresError` says why. */
  settings?: RegistrationSettings;
  postgresError?: ErrorView;
  version: VersionInfo;
  /** The cached copies of these settings in Redis (their presence only; the values are Rails' own format). */
  cache?: CacheState;
}

type StoredRows = { schema: SettingsSchema; rows: Partial<Record<RegistrationVar, string>> } | { error: ErrorView };

async function readStoredRows(): Promise<StoredRows> {
  try {
    const db = postgres();
    const schema = await detectSettingsSchema(db);
    return { schema, rows: await readRows(db, schema) };
  } catch (error) {
    return { error: postgresDown(error).toView() };
  }
}

function interpretStored(
  stored: StoredRows,
  version: VersionInfo,
): { settings: RegistrationSettings } | { error: ErrorView } {
  if ('error' in stored) return stored;
  try {
    return {
      settings: interpretRegistrations({
        rows: stored.rows,
        version,
        schema: stored.schema,
        env: getConfig().mastodon.registrationOverrides,
      }),
    };
  } catch (error) {
    return { error: postgresDown(error).toView() };
  }
}

async function cacheState(version: VersionInfo, schema: SettingsSchema | undefined): Promise<CacheState> {
  const { mastodon } = getConfig();
  // Without the schema an unknown version leaves the namespace question open; assume it applies.
  const prefix = cacheKeyPrefix({
    version,
    schema: schema ?? 'thing-columns',
    redisNamespace: mastodon.redisNamespace,
  });
  try {
    return {
      ok: true,
      redis: mastodon.cacheRedis.label,
      prefix,
      keys: await scanKeys(cachePatterns(prefix, ['registrations_mode', 'require_invite_text'])),
    };
  } catch (error) {
    return { ok: false, redis: mastodon.cacheRedis.label, prefix, error: redisDown(error).toView() };
  }
}

/**
 * Everything the page shows; each backend's failure is reported, never thrown. Docker (for the version)
 * and Postgres are asked at once. `withCache: false` skips the Redis scan for readers that show only the
 * mode (the home page), since the scan is the slowest part and says nothing about the mode itself.
 */
export async function readRegistrationSettings(options: { withCache?: boolean } = {}): Promise<RegistrationsReport> {
  const [version, stored] = await Promise.all([readRunningVersion(), readStoredRows()]);
  const read = interpretStored(stored, version);
  const cache =
    options.withCache === false
      ? undefined
      : await cacheState(version, 'settings' in read ? read.settings.schema : undefined);
  const report: RegistrationsReport =
    'settings' in read ? { settings: read.settings, version } : { postgresError: read.error, version };
  return cache ? { ...report, cache } : report;
}

// ---- changing --------------------------------------------------------------------------------------

export interface ChangeRegistrationsInput {
  mode: RegistrationsMode;
  /** Written as require_invite_text only with `approved`, as tootctl does; left alone otherwise. */
  requireReason?: boolean;
  /** The mode the admin saw; when given and the stored one differs, nothing is written. */
  from?: RegistrationsMode | 'unrecognised' | 'unknown';
}

/** How a state is named in `from`: the mode, 'unrecognised' for a stored odd value, 'unknown' for an unknown default. */
export function modeKey(mode: ModeState): RegistrationsMode | 'unrecognised' | 'unknown' {
  return mode.mode ?? (mode.unrecognised ? 'unrecognised' : 'unknown');
}

export interface RowWritten {
  var: RegistrationVar;
  value: string;
  how: 'updated' | 'inserted';
  rows: number;
}

export interface ChangeRegistrationsResult {
  before?: RegistrationSettings;
  after: RegistrationsReport;
  schema: SettingsSchema;
  rowsWritten: RowWritten[];
  cache: { prefix: string; removedFirst: string[]; removedSecond: string[] } | { prefix: string; error: ErrorView };
}

async function writeSetting(
  db: Queryable,
  schema: SettingsSchema,
  name: RegistrationVar,
  value: string,
): Promise<RowWritten> {
  if (schema === 'var-unique') {
    // var-unique: one row per var, guaranteed by index_settings_on_var. xmax = 0 only on a freshly inserted row.
    const result = await db.query(
      `INSERT INTO settings (var, value, created_at, updated_at) VALUES ($1, $2, now(), now())
       ON CONFLICT (var) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [name, value],
    );
    const inserted = (result.rows[0] as { inserted: boolean }).inserted;
    return { var: name, value, how: inserted ? 'inserted' : 'updated', rows: result.rowCount ?? 1 };
  }
  // thing-columns: NULLs are distinct in (thing_type, thing_id, var), so ON CONFLICT never fires; update, then insert.
  const updated = await db.query(
    `UPDATE settings SET value = $2, updated_at = now() WHERE var = $1 AND thing_type IS NULL AND thing_id IS NULL`,
    [name, value],
  );
  if ((updated.rowCount ?? 0) > 0) return { var: name, value, how: 'updated', rows: updated.rowCount ?? 0 };
  const inserted = await db.query(
    `INSERT INTO settings (var, value, thing_type, thing_id, created_at, updated_at) VALUES ($1, $2, NULL, NULL, now(), now())`,
    [name, value],
  );
  return { var: name, value, how: 'inserted', rows: inserted.rowCount ?? 1 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long after the first cache delete the second one runs (the read-before-commit race). */
export const SECOND_PASS_DELAY_MS = 1_000;

/**
 * Writes the mode (and require_invite_text with `approved`) in one transaction, then deletes the
 * cached copies twice, a second apart, and reads everything back. A Redis failure after the commit
 * does not undo the change; it is reported (Mastodon then serves the old value for up to 10 minutes).
 */
export async function changeRegistrationMode(input: ChangeRegistrationsInput): Promise<ChangeRegistrationsResult> {
  const { mastodon } = getConfig();
  const version = await readRunningVersion();
  const writes: [RegistrationVar, string][] = [['registrations_mode', writeYamlScalar(input.mode)]];
  if (input.mode === 'approved' && input.requireReason !== undefined)
    writes.push(['require_invite_text', writeYamlScalar(input.requireReason)]);

  let schema: SettingsSchema;
  let before: RegistrationSettings;
  const rowsWritten: RowWritten[] = [];
  let client: pg.PoolClient;
  try {
    client = await postgres().connect();
  } catch (error) {
    throw postgresDown(error);
  }
  try {
    await client.query('BEGIN');
    schema = await detectSettingsSchema(client);
    before = interpretRegistrations({
      rows: await readRows(client, schema),
      version,
      schema,
      env: mastodon.registrationOverrides,
    });
    if (input.from !== undefined && modeKey(before.mode) !== input.from) {
      throw new AppError(
        'conflict',
        'The mode changed meanwhile',
        `The page showed ${input.from}, but the stored mode is now ${modeKey(before.mode)}. Nothing was written.`,
        'Reload the page, check the new state, and choose again.',
      );
    }
    for (const [name, value] of writes) rowsWritten.push(await writeSetting(client, schema, name, value));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw postgresDown(error);
  } finally {
    client.release();
  }

  const prefix = cacheKeyPrefix({ version, schema, redisNamespace: mastodon.redisNamespace });
  const patterns = cachePatterns(
    prefix,
    writes.map(([name]) => name),
  );
  let cache: ChangeRegistrationsResult['cache'];
  try {
    const removedFirst = await unlinkKeys(patterns);
    // A request that read the old row before our COMMIT may write it back after the first delete.
    await sleep(SECOND_PASS_DELAY_MS);
    const removedSecond = await unlinkKeys(patterns);
    cache = { prefix, removedFirst, removedSecond };
  } catch (error) {
    cache = { prefix, error: redisDown(error).toView() };
  }

  const read = interpretStored(await readStoredRows(), version);
  const after: RegistrationsReport =
    'settings' in read
      ? { settings: read.settings, version, cache: await cacheState(version, schema) }
      : { postgresError: read.error, version };
  return { before, after, schema, rowsWritten, cache };
}
