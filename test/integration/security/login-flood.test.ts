import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openServerStore } from '../../support/next-build';
import { rawRequest, startServer, type RawResponse, type RunningServer } from '../../support/server';

// Anyone who reaches the login form must not be able to grow the audit log without bound (docs/design.md,
// "The audit log stays bounded").
const run = promisify(execFile);
const PASSWORD = 'login-flood-password-long-enough';
// 10,000 attempts run in-process against a real store (test/unit/auth/login-flood.test.ts); through the real
// server 2,000 cost about 3 minutes of CI on two cores, so this end of the path takes 600: six times the global
// lock (100 failures), and twelve times the rows the bound below would allow uncounted.
const ATTEMPTS = 600;
const PARALLEL = 8;
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DASHBOARD_PASSWORD: PASSWORD });
});

afterAll(async () => {
  await server.stop();
});

type Fields = [string, string][];

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The named inputs of the page's form, as a browser without JavaScript would send them. */
async function formFields(path: string, testId: string): Promise<Fields> {
  const page = await rawRequest(server.port, { path });
  expect(page.status).toBe(200);
  const form = new RegExp(`<form[^>]*data-testid="${testId}"[^>]*>([\\s\\S]*?)</form>`).exec(page.body)?.[1];
  expect(form, page.body.slice(0, 2000)).toBeDefined();
  const fields: Fields = [];
  for (const input of form!.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(input[0])?.[1];
    if (name === undefined) continue;
    fields.push([unescapeHtml(name), unescapeHtml(/\svalue="([^"]*)"/.exec(input[0])?.[1] ?? '')]);
  }
  return fields;
}

function postForm(fields: Fields, overrides: Record<string, string>): Promise<RawResponse> {
  const boundary = `----mastodash-flood-${randomBytes(8).toString('hex')}`;
  const values = fields.map(([name, value]): [string, string] => [name, overrides[name] ?? value]);
  const body =
    values
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}--\r\n`;
  return rawRequest(server.port, {
    method: 'POST',
    path: '/login',
    headers: {
      origin: `http://127.0.0.1:${server.port}`,
      'sec-fetch-site': 'same-origin',
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body,
    timeoutMs: 60_000,
  });
}

function inStore<T>(query: string): T {
  const db = openServerStore(server.dataDir);
  try {
    return db.prepare(query).get() as T;
  } finally {
    db.close();
  }
}

const auditRowCount = () => inStore<{ n: number }>('SELECT count(*) AS n FROM audit_log').n;

describe('a flood of bad logins against the running server', () => {
  it(
    '600 bad passwords and login links add a few dozen audit rows that count every attempt; after the' +
      ' CLI unlock the admin logs in',
    async () => {
      const passwordForm = await formFields('/login', 'login-form');
      const linkForm = await formFields(`/login?token=${randomBytes(32).toString('base64url')}`, 'login-link-form');
      expect(passwordForm.map(([name]) => name)).toEqual(expect.arrayContaining(['username', 'password']));
      expect(linkForm.map(([name]) => name)).toContain('token');
      const rowsBefore = auditRowCount();

      const started = Date.now();
      const statuses = new Map<number, number>();
      let next = 0;
      const attack = async (): Promise<void> => {
        while (next < ATTEMPTS) {
          const i = next++;
          const response =
            i % 10 === 9
              ? await postForm(passwordForm, { username: `guess${i}`, password: 'not-the-password' })
              : i % 2 === 0
                ? await postForm(passwordForm, { username: 'admin', password: `guess-${i}` })
                : await postForm(linkForm, { token: randomBytes(32).toString('base64url') });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, attack));
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `[login-flood] ${ATTEMPTS} attempts in ${seconds.toFixed(1)} s ` +
          `(${(ATTEMPTS / seconds).toFixed(0)}/s), statuses ${JSON.stringify([...statuses])}`,
      );
      expect([...statuses.keys()]).toEqual([200]);

      const rowsAdded = auditRowCount() - rowsBefore;
      console.log(`[login-flood] audit rows added: ${rowsAdded}`);
      expect(rowsAdded).toBeLessThanOrEqual(50);
      // Nothing lost: the counted rows add up to every attempt (the store is fresh: no failure before).
      expect(
        inStore<{ n: number }>("SELECT sum(repeat_count) AS n FROM audit_log WHERE action = 'auth.login_failed'").n,
      ).toBe(ATTEMPTS);
      // The counted rows' stdout lines come when their windows close, not one per attempt.
      const failedLines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('[audit] ') && line.includes('"auth.login_failed"'));
      expect(failedLines.length).toBeLessThanOrEqual(rowsAdded);

      // Held back: even the right password is refused now.
      const refused = await postForm(passwordForm, { username: 'admin', password: PASSWORD });
      expect(refused.status).toBe(200);
      expect(refused.body).toMatch(/Login locked|Login paused/);

      const { stdout } = await run(process.execPath, ['dist/cli.mjs', 'unlock'], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          NODE_ENV: 'production',
          DATA_DIR: server.dataDir,
          DASHBOARD_PASSWORD: PASSWORD,
        },
      });
      expect(stdout).toMatch(/Cleared (user:admin|global)/);

      const login = await postForm(passwordForm, { username: 'admin', password: PASSWORD });
      expect(login.status).toBe(303);
      expect(String(login.headers['set-cookie'])).toMatch(/mastodash_session=/);
    },
    900_000,
  );
});
