import { describe, expect, it } from 'vitest';

import {
  buildApproveArgv,
  buildCreateAccountArgv,
  isReservedUsername,
  parseCreateAccountOutput as parseOutput,
  parseModifyOutput as parseModify,
  reservedUsernameMessage,
} from '@/lib/mastodon/tootctl';
import { parseMastodonVersion, type MastodonVersion } from '@/lib/mastodon/version';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { decodeText, renderText } from '@/lib/i18n/text';
import { factsFor } from '@/lib/mastodon/version-facts';

/** The outcome with its Texts (field errors are encoded, as zod's) rendered in English, as the tests compare them. */
function parseCreateAccountOutput(...args: Parameters<typeof parseOutput>) {
  const outcome = parseOutput(...args);
  if (outcome.ok) return outcome;
  const fieldErrors = Object.fromEntries(
    Object.entries(outcome.fieldErrors).map(([field, errors]) => [
      field,
      errors?.map((error) => inEnglish(decodeText(error))),
    ]),
  );
  return { ...outcome, fieldErrors, message: inEnglish(outcome.message) };
}

function parseModifyOutput(...args: Parameters<typeof parseModify>) {
  const outcome = parseModify(...args);
  return outcome.ok ? outcome : { ...outcome, message: inEnglish(outcome.message) };
}

function v(text: string): MastodonVersion {
  const version = parseMastodonVersion(text);
  if (!version) throw new Error(text);
  return version;
}

const V40 = v('4.0.2');
const V42 = v('4.2.0');
const V43 = v('4.3.17');
const V45 = v('4.5.0');
const PASSWORD = '0123456789abcdef0123456789abcdef';
const OWNER = { username: 'alice', email: 'alice@example.org', role: 'Owner', confirmed: true, approve: true };

/** Where each version prints validation errors (the version table's tootctlErrorStream), with exit 1. */
function failed(version: MastodonVersion, text: string) {
  return factsFor(version).tootctlErrorStream === 'stderr'
    ? { stdout: '', stderr: text, exitCode: 1 }
    : { stdout: text, stderr: '', exitCode: 1 };
}

describe('buildCreateAccountArgv', () => {
  it('passes --approve from 4.2.0 on, and every option as one token', () => {
    for (const version of [V42, V43, V45, v('v4.2')]) {
      expect(buildCreateAccountArgv(OWNER, version)).toEqual([
        'tootctl',
        'accounts',
        'create',
        'alice',
        '--email=alice@example.org',
        '--confirmed',
        '--role=Owner',
        '--approve',
      ]);
    }
  });

  it('leaves --approve out on 4.0 and 4.1 (Thor would take it for a second USERNAME; it ships in 4.2.0)', () => {
    for (const version of [V40, v('4.1.0'), v('4.1.9'), v('v4.1')]) {
      expect(buildCreateAccountArgv(OWNER, version)).toEqual([
        'tootctl',
        'accounts',
        'create',
        'alice',
        '--email=alice@example.org',
        '--confirmed',
        '--role=Owner',
      ]);
    }
    expect(buildApproveArgv('alice')).toEqual(['tootctl', 'accounts', 'modify', 'alice', '--approve']);
  });

  it('leaves the flags out when they are off, and keeps a role with spaces in one token', () => {
    expect(buildCreateAccountArgv({ ...OWNER, confirmed: false, approve: false, role: 'Head moderator' }, V43)).toEqual(
      ['tootctl', 'accounts', 'create', 'alice', '--email=alice@example.org', '--role=Head moderator'],
    );
  });

  it('never puts a value in a token of its own after an option', () => {
    const argv = buildCreateAccountArgv(OWNER, V43);
    expect(
      argv
        .filter((token) => token.startsWith('-'))
        .every((token) => /^--(email=|role=|confirmed$|approve$)/.test(token)),
    ).toBe(true);
  });
});

describe('reserved usernames per version', () => {
  it('reserves admin up to 4.4.3 and nothing for the CLI from 4.4.4', () => {
    expect(isReservedUsername('admin', V40)).toBe(true);
    expect(isReservedUsername('admin', V43)).toBe(true);
    expect(isReservedUsername('owner', V43)).toBe(false);
    expect(isReservedUsername('owner', v('4.4.0'))).toBe(true);
    expect(isReservedUsername('admin', v('4.4.4'))).toBe(false);
    expect(isReservedUsername('admin', V45)).toBe(false);
  });

  it('explains it with the version', () => {
    expect(inEnglish(reservedUsernameMessage(V43))).toMatch(
      /^Mastodon 4\.3\.17 reserves this username \(admin, support, .*before 4\.4\.4/,
    );
    expect(inEnglish(reservedUsernameMessage(v('v4.4')))).toContain('the patch release decides: 4.4.0–4.4.3: admin,');
  });

  it('leaves a reserved name to tootctl when the patch release decides and is unknown (v4.4)', () => {
    expect(isReservedUsername('owner', v('4.4.3'))).toBe(true);
    expect(isReservedUsername('owner', v('4.4.4'))).toBe(false);
    expect(isReservedUsername('owner', v('v4.4'))).toBe(false);
  });
});

describe('parseCreateAccountOutput: success (every version)', () => {
  it.each([V40, V42, V43, V45])('reads the password on %o', (version) => {
    expect(
      parseCreateAccountOutput({ stdout: `OK\nNew password: ${PASSWORD}\n`, stderr: '', exitCode: 0 }, version),
    ).toEqual({ ok: true, password: PASSWORD });
  });

  it('ignores start-up warnings on stderr', () => {
    const stderr = 'W, [2024-01-01] WARN -- : DEPRECATION WARNING: something\n';
    expect(parseCreateAccountOutput({ stdout: `OK\nNew password: ${PASSWORD}\n`, stderr, exitCode: 0 }, V43)).toEqual({
      ok: true,
      password: PASSWORD,
    });
  });

  it('does not accept a password without exit 0 and OK', () => {
    expect(parseCreateAccountOutput({ stdout: `New password: ${PASSWORD}\n`, stderr: '', exitCode: 0 }, V43).ok).toBe(
      false,
    );
    expect(
      parseCreateAccountOutput({ stdout: `OK\nNew password: ${PASSWORD}\n`, stderr: '', exitCode: 1 }, V43).ok,
    ).toBe(false);
  });

  it('reports the --reattach conflict (exit 0, no password) as a failure', () => {
    const outcome = parseCreateAccountOutput(
      {
        stdout:
          'The chosen username is currently in use\nUse --force to reattach it anyway and delete the other user\n',
        stderr: '',
        exitCode: 0,
      },
      V43,
    );
    expect(outcome).toEqual({
      ok: false,
      fieldErrors: {},
      message: expect.stringContaining('The chosen username is currently in use'),
    });
  });

  it('never echoes a password in a failure message', () => {
    const outcome = parseCreateAccountOutput(
      { stdout: `OK\nNew password: ${PASSWORD.toUpperCase()}\n`, stderr: '', exitCode: 0 },
      V43,
    );
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD.toUpperCase());
  });
});

describe('parseCreateAccountOutput: 4.2+ error types', () => {
  it.each([V42, V43, V45])('username taken on %o (stdout ≤4.2, stderr 4.3+)', (version) => {
    const outcome = parseCreateAccountOutput(failed(version, 'Failure/Error: account.username\n    taken\n'), version);
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { username: [expect.stringMatching(/already taken/)] } });
  });

  it.each([V42, V43, V45])('email taken on %o', (version) => {
    const outcome = parseCreateAccountOutput(failed(version, 'Failure/Error: email\n    taken\n'), version);
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { email: [expect.stringMatching(/already exists/)] } });
    expect(outcome.ok === false && outcome.fieldErrors.username).toBeUndefined();
  });

  it.each([V42, V43, V45])('both taken on %o', (version) => {
    const outcome = parseCreateAccountOutput(
      failed(version, 'Failure/Error: email\n    taken\nFailure/Error: account.username\n    taken\n'),
      version,
    );
    expect(outcome).toMatchObject({
      ok: false,
      fieldErrors: { email: [expect.any(String)], username: [expect.any(String)] },
    });
  });

  it.each([V42, V43])('reserved on %o, with the version', (version) => {
    const outcome = parseCreateAccountOutput(
      failed(version, 'Failure/Error: account.username\n    reserved\n'),
      version,
    );
    expect(outcome).toMatchObject({
      ok: false,
      fieldErrors: { username: [expect.stringContaining(`Mastodon ${version.text} reserves`)] },
    });
  });

  it('invalid and too long usernames', () => {
    const outcome = parseCreateAccountOutput(
      failed(V43, 'Failure/Error: account.username\n    invalid\nFailure/Error: account.username\n    too_long\n'),
      V43,
    );
    expect(outcome).toMatchObject({
      ok: false,
      fieldErrors: { username: [expect.stringMatching(/letters a–z/), expect.stringMatching(/at most 30/)] },
    });
  });

  it.each([
    ['invalid', /not valid/],
    ['blocked', /blocked/],
    ['unreachable', /no mail server/],
  ])('email %s', (type, message) => {
    const outcome = parseCreateAccountOutput(failed(V45, `Failure/Error: email\n    ${type}\n`), V45);
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { email: [expect.stringMatching(message)] } });
  });

  it.each([V40, V42, V43, V45])('unknown role on %o', (version) => {
    const outcome = parseCreateAccountOutput(failed(version, 'Cannot find user role with that name\n'), version);
    expect(outcome).toMatchObject({
      ok: false,
      fieldErrors: { role: [expect.stringMatching(/no role with this name/)] },
    });
  });

  it('reads the 4.3+ errors from stderr even with warnings before them', () => {
    const stderr = 'DEPRECATION WARNING: x\nFailure/Error: account.username\n    taken\n';
    expect(parseCreateAccountOutput({ stdout: '', stderr, exitCode: 1 }, V43)).toMatchObject({
      fieldErrors: { username: [expect.any(String)] },
    });
  });

  it('an unexpected attribute becomes a general error', () => {
    const outcome = parseCreateAccountOutput(failed(V43, 'Failure/Error: agreement\n    accepted\n'), V43);
    expect(outcome).toEqual({ ok: false, fieldErrors: {}, message: expect.stringContaining('agreement accepted') });
  });

  it('Thor errors (stderr in every version) become a general error with the output', () => {
    const stderr =
      'ERROR: "tootctl accounts create" was called with arguments ["alice", "--approve"]\nUsage: "tootctl accounts' +
      ' create USERNAME --email=EMAIL"\n';
    const outcome = parseCreateAccountOutput({ stdout: '', stderr, exitCode: 1 }, V40);
    expect(outcome).toEqual({
      ok: false,
      fieldErrors: {},
      message: expect.stringContaining('was called with arguments'),
    });
    const missing = parseCreateAccountOutput(
      { stdout: '', stderr: "No value provided for required options '--email'\n", exitCode: 1 },
      V42,
    );
    expect(missing).toMatchObject({
      ok: false,
      message: expect.stringContaining("No value provided for required options '--email'"),
    });
  });

  it('a crash with no output says so', () => {
    expect(parseCreateAccountOutput({ stdout: '', stderr: '', exitCode: 137 }, V43)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/exit code 137: \(no output\)/),
    });
  });
});

describe('parseCreateAccountOutput: 4.0 and 4.1 human messages (errors.to_h, in DEFAULT_LOCALE)', () => {
  it('reads 4.1.9 as it prints: English messages, not types (issue 16)', () => {
    const V41 = v('4.1.9');
    const outcome = parseCreateAccountOutput(
      failed(V41, 'Failure/Error: account.username\n    has already been taken\n'),
      V41,
    );
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { username: [expect.stringMatching(/already taken/)] } });
  });

  it('does not rely on English: a message in another DEFAULT_LOCALE is shown as printed, marked localised', () => {
    for (const version of [V40, v('4.1.9')]) {
      const outcome = parseCreateAccountOutput(
        failed(version, 'Failure/Error: account.username\n    ist bereits vergeben\n'),
        version,
      );
      expect(outcome).toMatchObject({
        ok: false,
        fieldErrors: { username: [expect.stringMatching(/ist bereits vergeben \(in the server's DEFAULT_LOCALE\)/)] },
      });
    }
    // From 4.2 the type is printed, whatever the locale.
    const typed = parseCreateAccountOutput(failed(V42, 'Failure/Error: account.username\n    taken\n'), V42);
    expect(typed).toMatchObject({ fieldErrors: { username: [expect.stringMatching(/already taken/)] } });
  });

  it('username taken', () => {
    const outcome = parseCreateAccountOutput(
      failed(V40, 'Failure/Error: account.username\n    has already been taken\n'),
      V40,
    );
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { username: [expect.stringMatching(/already taken/)] } });
  });

  it('email taken', () => {
    const outcome = parseCreateAccountOutput(failed(V40, 'Failure/Error: email\n    has already been taken\n'), V40);
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { email: [expect.stringMatching(/already exists/)] } });
  });

  it('reserved, invalid, too long and blank as the test bed prints them', () => {
    const cases: [string, RegExp][] = [
      ['is reserved', /Mastodon 4\.0\.2 reserves/],
      ['must contain only letters, numbers and underscores', /letters a–z/],
      ['is too long (maximum is 30 characters)', /at most 30/],
      ["can't be blank", /Enter a username/],
    ];
    for (const [message, expected] of cases) {
      const outcome = parseCreateAccountOutput(failed(V40, `Failure/Error: account.username\n    ${message}\n`), V40);
      expect(outcome, message).toMatchObject({
        ok: false,
        fieldErrors: { username: [expect.stringMatching(expected)] },
      });
    }
    const email = parseCreateAccountOutput(failed(V40, 'Failure/Error: email\n    is invalid\n'), V40);
    expect(email).toMatchObject({ fieldErrors: { email: [expect.stringMatching(/not valid/)] } });
  });

  it('both taken, email first as the stand-in prints them', () => {
    const outcome = parseCreateAccountOutput(
      failed(
        V40,
        'Failure/Error: email\n    has already been taken\nFailure/Error: account.username\n ' +
          '   has already been taken\n',
      ),
      V40,
    );
    expect(outcome).toMatchObject({ fieldErrors: { email: [expect.any(String)], username: [expect.any(String)] } });
  });
});

describe('the texts in German', () => {
  it('explains a reserved name and a taken username in German', () => {
    const de = translatorFor('de');
    expect(renderText(de, reservedUsernameMessage(V43))).toMatch(
      /^Mastodon 4\.3\.17 reserviert diesen Profilnamen \(admin, support, .*vor 4\.4\.4 ab\./,
    );
    expect(renderText(de, reservedUsernameMessage(v('v4.4')))).toContain(
      'das hängt vom Patch-Release ab: 4.4.0–4.4.3: admin,',
    );
    expect(renderText(de, reservedUsernameMessage(v('v4.4')))).toContain(
      'ab 4.4.4: keine: die CLI überspringt die Prüfung',
    );
    const outcome = parseOutput(failed(V43, 'Failure/Error: account.username\n    taken\n'), V43);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(renderText(de, decodeText(outcome.fieldErrors.username?.[0] ?? ''))).toBe(
      'Dieser Profilname ist auf diesem Server bereits vergeben (Mastodon unterscheidet bei Profilnamen nicht ' +
        'zwischen Groß- und Kleinschreibung).',
    );
  });
});

describe('parseModifyOutput', () => {
  it('OK is success; anything else carries its message', () => {
    expect(parseModifyOutput({ stdout: 'OK\n', stderr: '', exitCode: 0 })).toEqual({ ok: true });
    expect(parseModifyOutput({ stdout: 'No user with such username\n', stderr: '', exitCode: 1 })).toEqual({
      ok: false,
      message: 'No user with such username',
    });
  });
});
