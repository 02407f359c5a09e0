import 'server-only';

import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { getConfig } from '../config';
import { dropProcessSingleton, processSingleton } from '../process/singleton';
import { MIGRATIONS } from './schema';

export type Store = Database.Database;

export const STORE_FILE_NAME = 'mastodash.sqlite';

/** Opens (creating when missing) the store in `dataDir` and applies pending migrations. */
export function openStore(dataDir: string, options: { readonly?: boolean } = {}): Store {
  if (!options.readonly) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  const file = path.join(dataDir, STORE_FILE_NAME);
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (options.readonly) return db;
  chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return db;
}

type StoreSlot = { db: Store; bootId: string };

function holder(): StoreSlot {
  return processSingleton<StoreSlot>('store', () => ({ db: openStore(getConfig().dataDir), bootId: randomUUID() }));
}

/** The process's store, opened once (shared by the launcher and Next's bundles: lib/process/singleton.ts). */
export function store(): Store {
  return holder().db;
}

/** Identifies this run of the process: audit records still 'started' from another boot were interrupted. */
export function bootId(): string {
  return holder().bootId;
}

/** For tests: use this store (and boot id) instead of the one under DATA_DIR. */
export function setStoreForTesting(db: Store | undefined, testBootId: string = randomUUID()): void {
  dropProcessSingleton('store');
  if (db) processSingleton<StoreSlot>('store', () => ({ db, bootId: testBootId }));
}
