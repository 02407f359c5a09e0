import { describe, expect, it } from 'vitest';

import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';
import { fixMediaPermissionsSchema } from '@/lib/actions/fix-media-permissions';
import { decodeWholeLog, findMediaPermissionErrors, isMediaPermissionError } from '@/lib/mastodon/media-log-evidence';
import { recogniseLine } from '@/lib/mastodon/log-recognisers';
import { recordCounter } from '@/lib/mastodon/media-permissions';
import { mediaVerdict, parseId, parseStatOutput } from '@/lib/mastodon/media-verdict';

import { dockerFrame as frame } from '../../support/docker-frame';
import { rootOwnedMediaEvidence } from '../../support/fixtures';

const EACCES_LINE = '[0f6c] Errno::EACCES (Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts):';
const ERROR_FIELD_LINE =
  '[0f6c] method=PATCH path=/api/v1/accounts/update_credentials status=500 ' +
  "error='Errno::EACCES: Permission denied @ dir_s_mkdir - /opt/mastodon/public/system/accounts' duration=41.72";

const evidence = rootOwnedMediaEvidence;

const fixedStat = {
  uid: 991,
  gid: 991,
  user: 'mastodon',
  group: 'mastodon',
  mode: '755',
  changedAt: '2025-03-01T11:00:00.000Z',
};

describe('parseStatOutput', () => {
  it('reads owner ids, mode, names and the change time', () => {
    expect(parseStatOutput('0:0 755 root:root 1740823200\n')).toEqual({
      uid: 0,
      gid: 0,
      mode: '755',
      user: 'root',
      group: 'root',
      changedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(parseStatOutput('991:991 2775 mastodon:mastodon 1740823200')).toMatchObject({
      uid: 991,
      gid: 991,
      mode: '2775',
    });
    expect(parseStatOutput('1000:1000 700 UNKNOWN:UNKNOWN 1')).toMatchObject({ user: 'UNKNOWN', group: 'UNKNOWN' });
  });

  it.each(['', 'stat: cannot stat', '0:0 755 root:root', 'a:b 755 root:root 1', '0:0 999 root:root 1'])(
    'refuses %j',
    (text) => {
      expect(() => parseStatOutput(text)).toThrow(/Unexpected stat output/);
    },
  );
});

describe('parseId', () => {
  it('accepts one number and nothing else', () => {
    expect(parseId('991\n')).toBe(991);
    expect(parseId('0')).toBe(0);
    expect(parseId("id: 'mastodon': no such user")).toBeUndefined();
    expect(parseId('')).toBeUndefined();
    expect(parseId('991 992')).toBeUndefined();
  });
});

/** A timestamped log as Docker sends it without a TTY: one stdout frame per line. */
function framedLog(lines: string[]): Buffer {
  return Buffer.concat(lines.map((line) => frame(1, `${line}\n`)));
}

describe('the media log, read with the one Docker stream decoder', () => {
  it('reads stdout and stderr frames, and multi-byte text split over frames', () => {
    const bytes = Buffer.from('é\n', 'utf8');
    const first = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 1]), bytes.subarray(0, 1)]);
    const second = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 2]), bytes.subarray(1)]);
    const lines = decodeWholeLog(Buffer.concat([frame(1, 'a\n'), first, second]), false);
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'a'],
      ['stderr', 'é'],
    ]);
  });

  it('reads a TTY log (no frames) as text', () => {
    expect(decodeWholeLog(Buffer.from('2025-03-01T10:00:00Z plain\n'), true)).toMatchObject([
      { at: '2025-03-01T10:00:00.000Z', text: 'plain' },
    ]);
  });

  it('finds an EACCES line whose frames interleave with the other stream', () => {
    const log = Buffer.concat([
      frame(2, `2025-03-01T10:00:02.2Z ${EACCES_LINE.slice(0, 70)}`),
      frame(1, '2025-03-01T10:00:02.3Z [b] method=GET path=/health status=200\n'),
      frame(2, `${EACCES_LINE.slice(70)}\n`),
    ]);
    expect(findMediaPermissionErrors(decodeWholeLog(log, false))).toEqual({
      line: EACCES_LINE,
      at: '2025-03-01T10:00:02.200Z',
      count: 1,
      searched: 2,
    });
  });

  it('reads the frames after a daemon error frame (stream 3) first', () => {
    const log = Buffer.concat([
      frame(3, 'error from daemon in stream: log file rotated\n'),
      frame(2, `2025-03-01T10:00:02.2Z ${EACCES_LINE}\n`),
    ]);
    expect(findMediaPermissionErrors(decodeWholeLog(log, false))).toMatchObject({
      line: EACCES_LINE,
      at: '2025-03-01T10:00:02.200Z',
    });
  });
});

describe('log line matching', () => {
  it('matches EACCES only together with public/system', () => {
    expect(isMediaPermissionError(EACCES_LINE)).toBe(true);
    expect(isMediaPermissionError(ERROR_FIELD_LINE)).toBe(true);
    expect(isMediaPermissionError('Errno::EACCES (Permission denied @ rb_sysopen - /opt/mastodon/tmp/cache)')).toBe(
      false,
    );
    expect(isMediaPermissionError('GET /system/accounts/avatars/1.png status=200')).toBe(false);
  });

  it('agrees with the Logs page, line by line: both ask the same recogniser', () => {
    const lines = [
      EACCES_LINE,
      ERROR_FIELD_LINE,
      'GET /public/system/accounts/avatars/1.png raised Errno::EACCES in the proxy, retried',
      'Errno::EACCESS public/system (a typo, not the error)',
    ];
    expect(lines.map(isMediaPermissionError)).toEqual(lines.map((line) => recogniseLine(line)?.id === 'media-eacces'));
    expect(lines.map(isMediaPermissionError)).toEqual([true, true, false, false]);
  });

  it('keeps the newest matching line, its time and the count', () => {
    const log = [
      `2025-03-01T10:00:00.000000001Z [a] method=GET path=/health status=200`,
      `2025-03-01T10:00:02.100000000Z ${ERROR_FIELD_LINE}`,
      `2025-03-01T10:00:02.200000000Z ${EACCES_LINE}`,
      `2025-03-01T10:00:04.000000000Z [b] method=GET path=/health status=200`,
      `2025-03-01T10:00:06.300000000Z ${EACCES_LINE.replace('0f6c', '77aa')}\r`,
      `2025-03-01T10:00:08.000000000Z [c] method=GET path=/health status=200`,
    ];
    expect(findMediaPermissionErrors(decodeWholeLog(framedLog(log), false))).toEqual({
      line: EACCES_LINE.replace('0f6c', '77aa'),
      at: '2025-03-01T10:00:06.300Z',
      count: 3,
      searched: 6,
    });
  });

  it('finds nothing in a clean log', () => {
    const clean = framedLog(['2025-03-01T10:00:00Z [a] method=GET path=/health status=200']);
    expect(findMediaPermissionErrors(decodeWholeLog(clean, false))).toBeUndefined();
    expect(findMediaPermissionErrors([])).toBeUndefined();
  });

  it('caps a very long line', () => {
    const long = `2025-03-01T10:00:00Z Errno::EACCES public/system ${'x'.repeat(2000)}`;
    expect(findMediaPermissionErrors(decodeWholeLog(framedLog([long]), false))?.line).toHaveLength(500);
  });
});

describe('mediaVerdict', () => {
  const log = { line: EACCES_LINE, at: '2025-03-01T10:30:00.000Z', count: 12, searched: 1000 };

  it('names the owner found and expected, the mode, and the log line when the folder is root-owned', () => {
    const verdict = mediaVerdict(evidence({ log }));
    expect(verdict.status).toBe('broken');
    expect(verdict.fixHelps).toBe(true);
    expect(verdict.logRelation).toBe('current');
    expect(inEnglish(verdict.title)).toBe('The media folder belongs to 0:0 (root:root), not 991:991');
    expect(verdict.problems.map((p) => inEnglish(p))).toEqual([
      '/mastodon/public/system belongs to 0:0 (root:root), but Mastodon runs as 991:991.',
      'uid 991 cannot write to it (mode 755), so uploads fail.',
      'Mastodon logged 12 Errno::EACCES lines in the last 1000 log lines; ' +
        `the newest, at 2025-03-01T10:30:00.000Z: ${EACCES_LINE}`,
    ]);
    expect(verdict.notes).toEqual([]);
    const german = translatorFor('de');
    expect(renderText(german, verdict.title)).toBe('Der Medienordner gehört 0:0 (root:root), nicht 991:991');
    expect(verdict.problems.map((p) => renderText(german, p))).toEqual([
      '/mastodon/public/system gehört 0:0 (root:root), aber Mastodon läuft als 991:991.',
      'uid 991 kann nicht hineinschreiben (Modus 755), daher scheitern Uploads.',
      'Mastodon hat protokolliert: 12 Errno::EACCES-Zeilen in den letzten 1000 Protokollzeilen; ' +
        `die neueste, um 2025-03-01T10:30:00.000Z: ${EACCES_LINE}`,
    ]);
  });

  it('is ok when the owner matches, the folder is writable and the log is clean', () => {
    const verdict = mediaVerdict(evidence({ found: fixedStat, writable: true }));
    expect(inEnglish(verdict.title)).toBe('The media folder belongs to 991:991 and Mastodon can write to it');
    expect(verdict).toMatchObject({
      status: 'ok',
      problems: [],
      notes: [],
      logRelation: 'none',
      fixHelps: false,
    });
  });

  it('says old log lines predate the fix (folder changed after them) instead of calling it broken', () => {
    const verdict = mediaVerdict(evidence({ found: fixedStat, writable: true, log }));
    expect(verdict.status).toBe('ok');
    expect(verdict.problems).toEqual([]);
    expect(verdict.logRelation).toBe('before_fix');
    expect(inEnglish(verdict.notes[0]!)).toMatch(
      /^The folder is writable now\. .* predates the folder's last change at 2025-03-01T11:00:00\.000Z/,
    );
  });

  it('uses the fix time when it is later than the folder change', () => {
    const at = '2025-03-01T11:30:00.000Z';
    const verdict = mediaVerdict(evidence({ found: fixedStat, writable: true, log: { ...log, at } }), {
      fixedAt: '2025-03-01T11:30:05.000Z',
    });
    expect(verdict.logRelation).toBe('before_fix');
    expect(inEnglish(verdict.notes[0]!)).toContain('predates the fix at 2025-03-01T11:30:05.000Z');
    expect(renderText(translatorFor('de'), verdict.notes[0]!)).toContain(
      'Gefunden: 12 Errno::EACCES-Zeilen in den letzten 1000 Protokollzeilen',
    );
    expect(renderText(translatorFor('de'), verdict.notes[0]!)).toContain(
      'vor der Reparatur um 2025-03-01T11:30:05.000Z',
    );
  });

  it('allows for whole-second ctime: a line in the same second as the change predates it', () => {
    const verdict = mediaVerdict(
      evidence({ found: fixedStat, writable: true, log: { ...log, at: '2025-03-01T11:00:00.900Z' } }),
    );
    expect(verdict.logRelation).toBe('before_fix');
  });

  it('warns when EACCES was logged after the folder last changed while it is writable', () => {
    const verdict = mediaVerdict(
      evidence({ found: fixedStat, writable: true, log: { ...log, at: '2025-03-01T11:45:00.000Z' } }),
    );
    expect(verdict.status).toBe('warning');
    expect(verdict.logRelation).toBe('after_fix');
    expect(verdict.fixHelps).toBe(true);
    expect(inEnglish(verdict.problems[0]!)).toMatch(/Something inside the folder is probably not writable/);
  });

  it('does not offer chown when only the mode is wrong', () => {
    const verdict = mediaVerdict(evidence({ found: { ...fixedStat, mode: '555' }, writable: false }));
    expect(verdict.status).toBe('broken');
    expect(verdict.fixHelps).toBe(false);
    expect(inEnglish(verdict.title)).toBe('Mastodon cannot write to its media folder');
    expect(inEnglish(verdict.problems[0]!)).toContain('chmod -R u+rwX /srv/mastodon/public/system');
  });

  it('warns about a writable folder with a foreign owner', () => {
    const verdict = mediaVerdict(
      evidence({
        found: { ...fixedStat, uid: 1000, gid: 1000, user: 'UNKNOWN', group: 'UNKNOWN', mode: '777' },
        writable: true,
      }),
    );
    expect(verdict.status).toBe('warning');
    expect(verdict.fixHelps).toBe(true);
    expect(inEnglish(verdict.title)).toBe('Writable, but owned by 1000:1000 (UNKNOWN:UNKNOWN) instead of 991:991');
  });

  it('mentions the default owner, S3 and a missing bind mount', () => {
    const verdict = mediaVerdict(evidence({ expectedFrom: 'default', s3Enabled: true, hostPath: undefined }));
    expect(verdict.status).toBe('warning');
    expect(inEnglish(verdict.problems[0]!)).toContain('(the default; the image has no mastodon user)');
    expect(verdict.notes.map((p) => inEnglish(p))).toEqual([
      expect.stringContaining('S3_ENABLED=true'),
      '/mastodon/public/system is not a bind mount here: its content lives in the container ' +
        'and is lost when the container is recreated.',
    ]);
  });
});

describe('recordCounter', () => {
  it('counts separators across chunks', () => {
    const lines = recordCounter('\n');
    lines.add("changed ownership of 'a'");
    lines.add(" from 0:0 to 991:991\nchanged ownership of 'b' from 0:0 to 991:991\n");
    expect(lines.count()).toBe(2);
    const entries = recordCounter('\0');
    expect(entries.add('/x\0/x/a\0/x/b')).toBe(2);
    expect(entries.add('\0')).toBe(3);
  });
});

describe('fixMediaPermissionsSchema', () => {
  it('accepts what the page shows', () => {
    expect(
      fixMediaPermissionsSchema.safeParse({ container: 'mdtest-web-1', path: '/mastodon/public/system' }).success,
    ).toBe(true);
    expect(fixMediaPermissionsSchema.safeParse({ container: 'web', path: '/opt/mastodon/public/system' }).success).toBe(
      true,
    );
  });

  it.each([
    { container: '-h', path: '/mastodon/public/system' },
    { container: '--all', path: '/mastodon/public/system' },
    { container: 'web;id', path: '/mastodon/public/system' },
    { container: 'web$(id)', path: '/mastodon/public/system' },
    { container: 'web\n', path: '/mastodon/public/system' },
    { container: '', path: '/mastodon/public/system' },
    { container: 'x'.repeat(129), path: '/mastodon/public/system' },
    { container: 'mdtest-web-1', path: '/' },
    { container: 'mdtest-web-1', path: '/etc' },
    { container: 'mdtest-web-1', path: '/mastodon/public/system/../../..' },
    { container: 'mdtest-web-1', path: '--reference=/etc/shadow' },
    { container: 'mdtest-web-1', path: '/mastodon/public/system', uid: 0 },
    { container: 'mdtest-web-1' },
  ])('refuses %j', (input) => {
    expect(fixMediaPermissionsSchema.safeParse(input).success).toBe(false);
  });
});
