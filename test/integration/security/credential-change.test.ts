import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { openServerStore, plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';

const run = promisify(execFile);
const OLD_PASSWORD = 'credential-change-old-password';
const NEW_PASSWORD = 'credential-change-new-password';
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function pageStatus(port: number, cookie: string): Promise<number> {
  return (await rawRequest(port, { path: '/', headers: { cookie } })).status;
}

function setPasswordWithCli(dataDir: string, password: string): Promise<{ stdout: string }> {
  const child = run(process.execPath, ['dist/cli.mjs', 'set-password'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', DATA_DIR: dataDir },
  });
  child.child.stdin?.end(`${password}\n`);
  return child;
}

describe('a new credential ends what the old one opened', () => {
  it('a session opened under DASHBOARD_PASSWORD ends when the server restarts with another one', async () => {
    server = await startServer({ DASHBOARD_PASSWORD: OLD_PASSWORD });
    const { cookie } = plantSession(server.dataDir);
    expect(await pageStatus(server.port, cookie)).toBe(200);
    const { dataDir } = server;
    await server.stop();

    server = await startServer({ DASHBOARD_PASSWORD: OLD_PASSWORD }, dataDir);
    expect(await pageStatus(server.port, cookie)).toBe(200);
    await server.stop();

    server = await startServer({ DASHBOARD_PASSWORD: NEW_PASSWORD }, dataDir);
    expect(await pageStatus(server.port, cookie)).toBe(307);
    const db = openServerStore(dataDir);
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });

  it('set-password on a running server ends its sessions and the login link it printed', async () => {
    server = await startServer();
    const token = /\/login\?token=([A-Za-z0-9_-]{43})/.exec(server.output())?.[1];
    expect(token, server.output()).toBeDefined();
    const { cookie } = plantSession(server.dataDir);
    expect(await pageStatus(server.port, cookie)).toBe(200);

    const { stdout } = await setPasswordWithCli(server.dataDir, NEW_PASSWORD);
    expect(stdout).toContain('Password saved');
    expect(await pageStatus(server.port, cookie)).toBe(307);
    const db = openServerStore(server.dataDir);
    const tokenHash = createHash('sha256').update(token!).digest('hex');
    expect(db.prepare('SELECT count(*) AS n FROM login_links WHERE token_hash = ?').get(tokenHash)).toEqual({ n: 0 });
    db.close();
  });
});
