import { describe, expect, it } from 'vitest';

import { parseYamlScalar, resolvePlain, writeYamlScalar } from '@/lib/mastodon/settings-yaml';

describe('parseYamlScalar: the forms Mastodon stores (app/models/setting.rb)', () => {
  it.each([
    ['--- open\n', 'str', 'open'],
    ['--- approved\n', 'str', 'approved'],
    ['--- none\n', 'str', 'none'],
    ['--- open', 'str', 'open'],
    ['--- open\n...\n', 'str', 'open'],
    ['--- open\n...', 'str', 'open'],
    ['--- open\r\n...\r\n', 'str', 'open'],
    [`--- system`, 'str', 'system'],
    ['--- true\n', 'bool', true],
    ['--- false\n', 'bool', false],
    ['--- true', 'bool', true],
    ['--- false\n...\n', 'bool', false],
    ["--- 'true'\n", 'str', 'true'],
    ['--- "true"\n', 'str', 'true'],
    ["--- 'a: b'\n", 'str', 'a: b'],
    ["--- 'it''s'\n", 'str', "it's"],
    ["--- ''\n", 'str', ''],
    ['--- ""\n', 'str', ''],
    ['--- "a\\tb\\n\\"c\\" \\u00e9\\x41"\n', 'str', 'a\tb\n"c" éA'],
    ['--- 7\n', 'int', 7],
    ['--- -12\n', 'int', -12],
    ['--- 1_000\n', 'int', 1000],
    ['--- 0x1f\n', 'int', 31],
    ['--- 1.5\n', 'float', 1.5],
    ['--- \n', 'null', null],
    ['---\n...\n', 'null', null],
    ['--- ~\n', 'null', null],
    ['', 'null', null],
    ['--- yes\n', 'bool', true],
    ['--- Off\n', 'bool', false],
    ['--- :open\n', 'symbol', 'open'],
    ['--- 2024-01-02\n', 'timestamp', '2024-01-02'],
    ['--- open # a comment\n', 'str', 'open'],
    ['open', 'str', 'open'],
    ['--- Closed for now, see https://example.com/about\n', 'str', 'Closed for now, see https://example.com/about'],
  ])('%j → %s %j', (document, tag, value) => {
    expect(parseYamlScalar(document)).toEqual({ ok: true, tag, value });
  });

  it('reads long values Psych folds over lines (plain, single- and double-quoted)', () => {
    expect(
      parseYamlScalar('--- We are not accepting new members at the moment, please\n  come back later.\n'),
    ).toMatchObject({
      value: 'We are not accepting new members at the moment, please come back later.',
    });
    expect(
      parseYamlScalar("--- 'Closed: we are not accepting new members at the moment,\n  please come back later.'\n"),
    ).toMatchObject({
      value: 'Closed: we are not accepting new members at the moment, please come back later.',
    });
    expect(parseYamlScalar("--- 'one\n\n  two'\n")).toMatchObject({ value: 'one\ntwo' });
    expect(parseYamlScalar('--- "one \\\n  two\\nthree"\n')).toMatchObject({ value: 'one two\nthree' });
    expect(parseYamlScalar('--- "one\n  two"\n')).toMatchObject({ value: 'one two' });
  });

  it('reads block scalars with every chomping indicator', () => {
    expect(parseYamlScalar('--- |-\n  <p>Closed.</p>\n  <p>Ask us.</p>\n')).toEqual({
      ok: true,
      tag: 'str',
      value: '<p>Closed.</p>\n<p>Ask us.</p>',
    });
    expect(parseYamlScalar('--- |\n  a\n\n  b\n')).toMatchObject({ value: 'a\n\nb\n' });
    expect(parseYamlScalar('--- |+\n  a\n\n')).toMatchObject({ value: 'a\n\n' });
    expect(parseYamlScalar('--- |2-\n    indented\n  b\n')).toMatchObject({ value: '  indented\nb' });
    expect(parseYamlScalar('--- >-\n  folded\n  text\n\n  para\n')).toMatchObject({ value: 'folded text\npara' });
    expect(parseYamlScalar('--- |-\n  a\n...\n')).toMatchObject({ value: 'a' });
  });

  it.each([
    ['---\nfollow: true\nmention: false\n', 'mapping'],
    ['--- {a: 1}\n', 'flow collection'],
    ['---\n- a\n- b\n', 'sequence'],
    ["--- 'open\n", 'not closed'],
    ['--- "open\n', 'not closed'],
    ["--- 'open' extra\n", 'text follows'],
    ['--- !ruby/object:Foo {}\n', 'tagged'],
    ['--- *alias\n', 'alias'],
    ['--- open\n--- closed\n', 'more than one'],
    ['--- open\n...\n--- closed\n', 'more than one'],
    ['--- "\\q"\n', 'unknown escape'],
    ['--- |\n    a\n  b\n', 'less indented'],
  ])('reports %j as not a scalar it can read (%s)', (document, problem) => {
    const result = parseYamlScalar(document);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });
});

describe('YAML 1.1 as Psych reads it', () => {
  it.each([
    ['--- yes\n', true],
    ['--- Yes\n', true],
    ['--- ON\n', true],
    ['--- on\n', true],
    ['--- tRUe\n', true],
    ['--- no\n', false],
    ['--- NO\n', false],
    ['--- off\n', false],
    ['--- False\n', false],
  ])('%j is a boolean', (document, value) => {
    expect(parseYamlScalar(document)).toEqual({ ok: true, tag: 'bool', value });
  });

  it.each([
    ["--- 'yes'\n", 'yes'],
    ['--- "off"\n', 'off'],
    ['--- y\n', 'y'],
    ['--- n\n', 'n'],
    ['--- |-\n  on\n', 'on'],
  ])('%j stays the text %j', (document, value) => {
    expect(parseYamlScalar(document)).toEqual({ ok: true, tag: 'str', value });
  });

  it('reads a %YAML 1.1 directive and an anchored scalar, which Psych accepts', () => {
    expect(parseYamlScalar('%YAML 1.1\n--- approved\n')).toEqual({ ok: true, tag: 'str', value: 'approved' });
    expect(parseYamlScalar('--- &mode open\n')).toEqual({ ok: true, tag: 'str', value: 'open' });
  });
});

describe('resolvePlain follows Psych, not YAML 1.2', () => {
  it('treats y and n as strings, as Psych does', () => {
    expect(resolvePlain('y')).toEqual({ tag: 'str', value: 'y' });
    expect(resolvePlain('n')).toEqual({ tag: 'str', value: 'n' });
  });
  it('reads infinities and NaN', () => {
    expect(resolvePlain('.inf')).toEqual({ tag: 'float', value: Number.POSITIVE_INFINITY });
    expect(resolvePlain('-.inf')).toEqual({ tag: 'float', value: Number.NEGATIVE_INFINITY });
    expect(resolvePlain('.NaN').tag).toBe('float');
  });
});

describe('writeYamlScalar', () => {
  it('writes the forms Rails writes', () => {
    expect(writeYamlScalar('open')).toBe('--- open\n');
    expect(writeYamlScalar('approved')).toBe('--- approved\n');
    expect(writeYamlScalar('none')).toBe('--- none\n');
    expect(writeYamlScalar(true)).toBe('--- true\n');
    expect(writeYamlScalar(false)).toBe('--- false\n');
    expect(writeYamlScalar(7)).toBe('--- 7\n');
    expect(writeYamlScalar(null)).toBe('--- \n');
    expect(writeYamlScalar('true')).toBe("--- 'true'\n");
    expect(writeYamlScalar('a: b')).toBe("--- 'a: b'\n");
    expect(writeYamlScalar('')).toBe("--- ''\n");
  });

  const strings = [
    'open',
    'true',
    'false',
    'yes',
    'No',
    'null',
    '~',
    '',
    ' leading',
    'trailing ',
    '7',
    '-1',
    '0x10',
    '1.5',
    '1e3',
    '.inf',
    '2024-01-02',
    ':open',
    'a: b',
    'a #b',
    '#comment',
    '- item',
    '-',
    '? key',
    '[a]',
    '{a}',
    '*alias',
    '&anchor',
    '!tag',
    '|',
    '>',
    "it's",
    '"quoted"',
    '@at',
    '`tick`',
    '%percent',
    '---',
    '...',
    'y',
    'N',
    'line\nbreak',
    'tab\there',
    'back\\slash',
    'nul\u0000byte',
    'élan vital ✓',
    '<p>Closed.</p>\n<p>Ask us.</p>\n',
    'Closed for now, see https://example.com/about',
    'a'.repeat(200),
  ];
  it.each(strings)('round-trips %j', (text) => {
    expect(parseYamlScalar(writeYamlScalar(text))).toEqual({ ok: true, tag: 'str', value: text });
  });

  it.each([true, false, 0, 7, -12, 1.5, null])('round-trips %j', (value) => {
    const parsed = parseYamlScalar(writeYamlScalar(value));
    expect(parsed.ok && parsed.value).toBe(value);
  });
});
