import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { rawRequest, type RawResponse } from './server';

interface ActionEntry {
  exportedName?: string;
  filename?: string;
  workers: Record<string, unknown>;
}

/** Every app route of the production build, as URL paths, and whether it is a page or a route handler. */
export function appRoutes(): { path: string; kind: 'page' | 'route' }[] {
  const manifest = JSON.parse(readFileSync('.next/server/app-paths-manifest.json', 'utf8')) as Record<string, string>;
  return Object.keys(manifest).map((key) => {
    const kind = key.endsWith('/route') ? 'route' : 'page';
    const urlPath =
      key
        .replace(/\/(page|route)$/, '')
        .replace(/\/\([^)]+\)/g, '')
        .replace(/\[\.{0,3}([^\]]+)\]/g, 'sweep-$1') || '/';
    return { path: urlPath, kind };
  });
}

/** Every server action of the build: its id, exported name, and a page that serves it. */
export function serverActions(): { id: string; name: string; page: string }[] {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, ActionEntry>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers)[0] ?? 'app/page';
    const page = worker.replace(/^app/, '').replace(/\/page$/, '') || '/';
    return { id, name: entry.exportedName ?? '(unnamed)', page };
  });
}

export function actionByName(name: string): { id: string; page: string } {
  const found = serverActions().find((action) => action.name === name);
  if (!found) throw new Error(`No server action ${name} in the build; rebuild with npm run build`);
  return found;
}

/** Calls a server action the way React's client does: POST to its page, JSON-encoded arguments. */
export function callAction(
  port: number,
  name: string,
  args: unknown[],
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const action = actionByName(name);
  return rawRequest(port, {
    method: 'POST',
    path: action.page,
    headers: {
      origin: `http://127.0.0.1:${port}`,
      'sec-fetch-site': 'same-origin',
      'next-action': action.id,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      ...headers,
    },
    body: JSON.stringify(args),
    timeoutMs: 120_000,
  });
}

/** Opens the server's own store file (WAL allows a second connection). */
export function openServerStore(dataDir: string): Database.Database {
  const db = new Database(path.join(dataDir, 'mastodash.sqlite'));
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Plants a session directly in the store, as a login would; returns the cookie header for it. */
export function plantSession(
  dataDir: string,
  options: { authenticatedAgoMs?: number; lastSeenAgoMs?: number; expiresInMs?: number } = {},
): { cookie: string; idHash: string } {
  const id = randomBytes(32).toString('base64url');
  const idHash = createHash('sha256').update(id).digest('hex');
  const now = Date.now();
  const db = openServerStore(dataDir);
  try {
    db.prepare(
      'INSERT INTO sessions (id_hash, username, created_at, last_seen_at, authenticated_at,' +
        ' expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      idHash,
      'admin',
      now,
      now - (options.lastSeenAgoMs ?? 0),
      now - (options.authenticatedAgoMs ?? 0),
      now + (options.expiresInMs ?? 3_600_000),
    );
  } finally {
    db.close();
  }
  return { cookie: `mastodash_session=${id}`, idHash };
}

export interface AuditRow {
  id: number;
  action: string;
  outcome: string;
  target: string | null;
  params: string;
  error: string | null;
}

export function auditRows(dataDir: string): AuditRow[] {
  const db = openServerStore(dataDir);
  try {
    return db
      .prepare('SELECT id, action, outcome, target, params, error FROM audit_log ORDER BY id')
      .all() as AuditRow[];
  } finally {
    db.close();
  }
}
