/**
 * The dashboard's own state, independent of Mastodon's Postgres and Redis: the admin must be able to
 * log in exactly when those are down. Each migration runs once, in order; never edit a shipped one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE admin_password (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hash TEXT NOT NULL,
    set_at INTEGER NOT NULL
  );

  -- Session ids are random; only their SHA-256 is stored, so a copy of this file opens no session.
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    authenticated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );

  -- One row per lower-cased username ('user:<name>') and one for all of them ('global').
  CREATE TABLE login_counters (
    scope TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_at INTEGER
  );

  CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    boot_id TEXT NOT NULL,
    session TEXT,
    actor TEXT,
    action TEXT NOT NULL,
    target TEXT,
    params TEXT NOT NULL DEFAULT '{}',
    outcome TEXT NOT NULL CHECK (outcome IN ('started', 'succeeded', 'failed', 'refused', 'interrupted')),
    error TEXT,
    duration_ms INTEGER,
    finished_at INTEGER
  );
  CREATE INDEX audit_log_by_action ON audit_log (action, id);
  CREATE INDEX audit_log_by_outcome ON audit_log (outcome, id);

  -- Append-only: no record is ever deleted, and a record changes once, from 'started' to its outcome.
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_finish_once BEFORE UPDATE ON audit_log
  WHEN OLD.outcome <> 'started'
    OR NEW.outcome = 'started'
    OR NEW.id IS NOT OLD.id OR NEW.started_at IS NOT OLD.started_at OR NEW.boot_id IS NOT OLD.boot_id
    OR NEW.session IS NOT OLD.session OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action
    OR NEW.target IS NOT OLD.target OR NEW.params IS NOT OLD.params
  BEGIN SELECT RAISE(ABORT, 'audit records only change once, from started to their outcome'); END;
  `,
  `
  -- Long actions run as jobs: the browser can leave and come back to the job's state.
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    boot_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    steps TEXT NOT NULL DEFAULT '[]',
    result TEXT,
    error TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX jobs_by_start ON jobs (started_at);
  `,
  `
  -- The fingerprint of the admin credential that open sessions and login links were made with (one
  -- row). When the credential changes, they all end; never the password itself.
  CREATE TABLE credential_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    changed_at INTEGER NOT NULL
  );
  `,
  `
  -- Failures anyone can repeat at will (bad logins, bad login links, attempts refused during back-off)
  -- collapse into one counted row per window: repeat_count counts them exactly, started_at is the first,
  -- finished_at the last, and the row takes more repeats only while window_ends_at lies ahead.
  ALTER TABLE audit_log ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 1 CHECK (repeat_count >= 1);
  ALTER TABLE audit_log ADD COLUMN window_ends_at INTEGER;
  CREATE INDEX audit_log_open_windows ON audit_log (window_ends_at) WHERE window_ends_at IS NOT NULL;

  DROP TRIGGER audit_log_finish_once;
  CREATE TRIGGER audit_log_change_rules BEFORE UPDATE ON audit_log
  WHEN NEW.id IS NOT OLD.id OR NEW.started_at IS NOT OLD.started_at OR NEW.boot_id IS NOT OLD.boot_id
    OR NEW.session IS NOT OLD.session OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action
    OR NEW.target IS NOT OLD.target OR NEW.params IS NOT OLD.params OR NEW.window_ends_at IS NOT OLD.window_ends_at
    OR NOT (
      (OLD.outcome = 'started' AND NEW.outcome <> 'started' AND NEW.repeat_count = OLD.repeat_count)
      OR (OLD.window_ends_at IS NOT NULL AND NEW.outcome = OLD.outcome AND NEW.error IS OLD.error
        AND NEW.duration_ms IS OLD.duration_ms AND NEW.repeat_count = OLD.repeat_count + 1
        AND NEW.finished_at >= OLD.finished_at AND NEW.finished_at < OLD.window_ends_at)
    )
  BEGIN SELECT RAISE(ABORT, 'audit records only change once, from started to their outcome, ` +
    `or count one more repeat inside their window'); END;

  -- Retention: old records leave the store only after they were written to a CSV archive file, and
  -- only a prefix of ids recorded here may be deleted. This table itself is append-only.
  CREATE TABLE audit_archives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    archived_at INTEGER NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    records INTEGER NOT NULL,
    file TEXT NOT NULL
  );
  CREATE TRIGGER audit_archives_no_update BEFORE UPDATE ON audit_archives
  BEGIN SELECT RAISE(ABORT, 'audit_archives is append-only'); END;
  CREATE TRIGGER audit_archives_no_delete BEFORE DELETE ON audit_archives
  BEGIN SELECT RAISE(ABORT, 'audit_archives is append-only'); END;

  DROP TRIGGER audit_log_no_delete;
  CREATE TRIGGER audit_log_delete_archived_only BEFORE DELETE ON audit_log
  WHEN OLD.id > COALESCE((SELECT max(last_id) FROM audit_archives), 0)
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: a record is deleted only after it was archived'); END;
  `,
];
