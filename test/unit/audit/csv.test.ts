import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { auditCsv, auditEvent, auditStart, csvField } from '@/lib/audit';

import { useTempStore } from './store';

describe('csvField', () => {
  it.each<[string | number | null, string]>([
    ['plain', '"plain"'],
    [42, '"42"'],
    [null, '""'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['""', '""""""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=HYPERLINK("http://evil.example")', `"'=HYPERLINK(""http://evil.example"")"`],
    ['+1+1', `"'+1+1"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['＝1+1', `"'＝1+1"`],
    ['＋1+1', `"'＋1+1"`],
    [' =1+1', `"' =1+1"`],
    ['x;=1+1', `"x;'=1+1"`],
    ['x|=1+1', `"x|'=1+1"`],
    ['x; =1+1', `"x;' =1+1"`],
    ['x;＝1+1', `"x;'＝1+1"`],
    ['a;-1|@b;+c', `"a;'-1|'@b;'+c"`],
    ['=a;=b', `"'=a;'=b"`],
    ['a=b', '"a=b"'],
    ['a;b|c', '"a;b|c"'],
  ])('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves no cell starting with a formula when the line is split on , ; or |', () => {
    const values = ['x;=1+1', 'x|=1+1', 'y; -1', '@a|+b;＝c', '\t=1', '\r=1', 'ok'];
    const line = values.map(csvField).join(',');
    for (const cell of line.split(/[,;|]/)) expect(cell.replace(/^[" ]+/, '')).not.toMatch(/^[=+\-@\t\r＝＋－＠]/u);
  });
});

describe('auditCsv', () => {
  let temp: ReturnType<typeof useTempStore>;
  beforeEach(() => {
    temp = useTempStore('boot-a');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    temp.cleanup();
  });

  it('has a header line, CRLF line ends, newest first, quoted and neutralised fields', () => {
    const a = auditEvent({
      actor: 'admin',
      action: 'container.restarted',
      target: 'web',
      outcome: 'succeeded',
      durationMs: 1200,
      params: { container: 'web' },
    });
    const b = auditEvent({
      actor: '=cmd|x',
      action: 'auth.login_failed',
      outcome: 'failed',
      error: 'Wrong username, or "password"',
    });
    const c = auditStart({ actor: 'admin', session: 'ab12cd34ef', action: 'account.created', target: 'alice' });
    const csv = auditCsv({});
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'id,started_at,finished_at,actor,session,action,target,outcome,error,duration_ms,params,count',
    );
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      new RegExp(`^"${c}","\\S+Z","","admin","ab12cd34ef","account.created","alice","running","","","\\{\\}","1"$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^"${b}","\\S+Z","\\S+Z","'=cmd\\|x","","auth.login_failed","","failed","Wrong username, or` +
          ` ""password""","","\\{\\}","1"$`,
      ),
    );
    expect(lines[3]).toMatch(new RegExp(`^"${a}",.*,"succeeded","","1200","\\{""container"":""web""\\}","1"$`));
  });

  it('applies the same filters as the list', () => {
    auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    const failed = auditEvent({ actor: 'admin', action: 'auth.login_failed', outcome: 'failed' });
    const lines = auditCsv({ action: 'auth.login_failed' }).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith(`"${failed}",`)).toBe(true);
    expect(auditCsv({ outcome: 'interrupted' })).toBe(
      'id,started_at,finished_at,actor,session,action,target,outcome,error,duration_ms,params,count\r\n',
    );
  });

  it('exports every matching record when no limit is given, and at most the limit when one is', () => {
    temp.db.transaction(() => {
      for (let i = 0; i < 1_201; i++) auditEvent({ actor: 'admin', action: 'auth.login', outcome: 'succeeded' });
    })();
    expect(auditCsv({}).trim().split('\r\n')).toHaveLength(1_202);
    expect(auditCsv({ limit: 10 }).trim().split('\r\n')).toHaveLength(11);
  });
});
