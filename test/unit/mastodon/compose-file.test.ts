import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  ComposeFileError,
  healthcheckText,
  parseComposeFile,
  parseShortPort,
  type ComposeFile,
} from '@/lib/mastodon/compose-file';
import { parseYaml } from '@/lib/mastodon/compose-yaml';
import { sidekiqGrepMajor } from '@/lib/mastodon/config-doctor';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/compose/${name}.yml`, import.meta.url), 'utf8');
const service = (file: ComposeFile, name: string) => {
  const found = file.services.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

function parseError(text: string): ComposeFileError {
  try {
    parseComposeFile(text);
  } catch (error) {
    if (error instanceof ComposeFileError) return error;
    throw error;
  }
  throw new Error('expected a ComposeFileError');
}

describe('the official compose files (fixtures/compose/README.md)', () => {
  it.each([
    ['v4.3', 'ghcr.io/mastodon/mastodon:v4.3.17', 'ghcr.io/mastodon/mastodon-streaming:v4.3.17', 6],
    ['v4.4', 'ghcr.io/mastodon/mastodon:v4.4.22', 'ghcr.io/mastodon/mastodon-streaming:v4.4.22', 7],
    ['v4.5', 'ghcr.io/mastodon/mastodon:v4.5.15', 'ghcr.io/mastodon/mastodon-streaming:v4.5.15', 8],
  ])('%s: services, images, health checks, ports, networks and volumes', (name, image, streamingImage, grep) => {
    const file = parseComposeFile(fixture(name));
    expect(file.version).toBeUndefined();
    expect(file.services.map((s) => s.name)).toEqual(['db', 'redis', 'web', 'streaming', 'sidekiq']);
    expect(file.networks).toEqual([
      { name: 'external_network', internal: false, external: false },
      { name: 'internal_network', internal: true, external: false },
    ]);

    const db = service(file, 'db');
    expect(db).toMatchObject({
      image: 'postgres:14-alpine',
      build: false,
      ports: [],
      networks: ['internal_network'],
      envFiles: [],
    });
    expect(db.healthcheck).toEqual({ disabled: false, test: { kind: 'exec', argv: ['pg_isready', '-U', 'postgres'] } });
    expect([...db.environment]).toEqual([['POSTGRES_HOST_AUTH_METHOD', 'trust']]);
    expect(db.volumes).toEqual([{ type: 'bind', source: './postgres14', target: '/var/lib/postgresql/data' }]);
    expect(service(file, 'redis').healthcheck?.test).toEqual({ kind: 'exec', argv: ['redis-cli', 'ping'] });

    const web = service(file, 'web');
    expect(web).toMatchObject({
      image,
      build: false,
      command: 'bundle exec puma -C config/puma.rb',
      ports: [{ hostIp: '127.0.0.1', published: '3000', target: '3000', protocol: 'tcp' }],
      networks: ['external_network', 'internal_network'],
      envFiles: ['.env.production'],
      volumes: [{ type: 'bind', source: './public/system', target: '/mastodon/public/system' }],
    });
    // The web check is written ['CMD-SHELL',"curl …"] with no space after the comma.
    expect(web.healthcheck?.test).toEqual({
      kind: 'shell',
      command: "curl -s --noproxy localhost localhost:3000/health | grep -q 'OK' || exit 1",
    });

    const streaming = service(file, 'streaming');
    expect(streaming).toMatchObject({
      image: streamingImage,
      command: 'node ./streaming/index.js',
      ports: [{ hostIp: '127.0.0.1', published: '4000', target: '4000' }],
    });

    const sidekiq = service(file, 'sidekiq');
    expect(sidekiq).toMatchObject({ image, command: 'bundle exec sidekiq', ports: [], envFiles: ['.env.production'] });
    // YAML turns the "\ " escape of the double-quoted check into a plain space.
    expect(sidekiq.healthcheck?.test).toEqual({ kind: 'shell', command: `ps aux | grep '[s]idekiq ${grep}' || false` });
    expect(sidekiqGrepMajor(healthcheckText(sidekiq.healthcheck?.test) ?? '')).toBe(grep);
  });

  it('v4.0: version 3, build: . with the untagged tootsuite image, wget checks, streaming from the same image', () => {
    const file = parseComposeFile(fixture('v4.0'));
    expect(file.version).toBe('3');
    expect(file.services.map((s) => s.name)).toEqual(['db', 'redis', 'web', 'streaming', 'sidekiq']);
    const web = service(file, 'web');
    expect(web).toMatchObject({
      image: 'tootsuite/mastodon',
      build: true,
      command: 'bash -c "rm -f /mastodon/tmp/pids/server.pid; bundle exec rails s -p 3000"',
      ports: [{ hostIp: '127.0.0.1', published: '3000', target: '3000' }],
    });
    expect(web.healthcheck?.test).toEqual({
      kind: 'shell',
      command: 'wget -q --spider --proxy=off localhost:3000/health || exit 1',
    });
    expect(service(file, 'streaming')).toMatchObject({ image: 'tootsuite/mastodon', command: 'node ./streaming' });
    expect(sidekiqGrepMajor(healthcheckText(service(file, 'sidekiq').healthcheck?.test) ?? '')).toBe(6);
    // The commented-out es block publishes 0.0.0.0:9200; comments must not become services.
    expect(file.services.some((s) => s.name === 'es')).toBe(false);
  });

  it('reads the test bed’s stand-in shape: network_mode instead of networks', () => {
    const text = fixture('v4.3').replace(/networks:\n(\s+- \w+\n)+/g, 'network_mode: host\n');
    const file = parseComposeFile(text);
    expect(service(file, 'web')).toMatchObject({ networkMode: 'host', networks: [] });
  });
});

describe('the YAML subset', () => {
  const yaml = (text: string) => parseYaml(text);

  it('plain scalars resolve as YAML 1.2 core (compose-go) does; quoted ones stay strings', () => {
    expect(yaml('a: 3000\nb: "3000"\nc: true\nd: ~\ne:\nf: 256mb\ng: 1.5\nh: yes\ni: 0x1F')).toEqual(
      new Map<string, unknown>([
        ['a', 3000],
        ['b', '3000'],
        ['c', true],
        ['d', null],
        ['e', null],
        ['f', '256mb'],
        ['g', 1.5],
        ['h', 'yes'],
        ['i', 31],
      ]),
    );
  });

  it('double-quoted escapes, single-quoted doubling, and # inside quotes', () => {
    const parsed = yaml(
      [
        String.raw`a: "tab\there \u00e9\x41 sp\ ace \\ \" \/"`,
        `b: 'it''s # not a comment'`,
        `c: "x # y" # a comment`,
        `d: plain # comment`,
        `e: url#fragment`,
      ].join('\n'),
    );
    expect(parsed).toEqual(
      new Map([
        ['a', 'tab\there éA sp ace \\ " /'],
        ['b', "it's # not a comment"],
        ['c', 'x # y'],
        ['d', 'plain'],
        ['e', 'url#fragment'],
      ]),
    );
  });

  it('block scalars: literal and folded, with chomping', () => {
    const parsed = yaml(
      [
        'a: |',
        '  line 1',
        '    indented',
        '  line 3',
        '',
        'b: >-',
        '  folded',
        '  text',
        '',
        '  para',
        'c: |+',
        '  keep',
        '',
        'd: x',
      ].join('\n'),
    );
    expect(parsed).toEqual(
      new Map([
        ['a', 'line 1\n  indented\nline 3\n'],
        ['b', 'folded text\npara'],
        ['c', 'keep\n\n'],
        ['d', 'x'],
      ]),
    );
  });

  it('a block scalar keeps # lines that are indented as content', () => {
    expect(yaml('cmd: |\n  echo a\n  # not a comment\nnext: 1')).toEqual(
      new Map<string, unknown>([
        ['cmd', 'echo a\n# not a comment\n'],
        ['next', 1],
      ]),
    );
  });

  it('flow collections, nested and spread over lines, with comments', () => {
    const parsed = yaml(
      [
        'a: [\'CMD\', "x, y", plain, 3]',
        'b: {}',
        'c: { internal: true, name: n }',
        'd: [',
        '  one, # first',
        '  [two, three],',
        ']',
      ].join('\n'),
    );
    expect(parsed).toEqual(
      new Map<string, unknown>([
        ['a', ['CMD', 'x, y', 'plain', 3]],
        ['b', new Map()],
        [
          'c',
          new Map<string, unknown>([
            ['internal', true],
            ['name', 'n'],
          ]),
        ],
        ['d', ['one', ['two', 'three']]],
      ]),
    );
  });

  it('sequences: indented, at the key’s indentation, of mappings, and nested', () => {
    const parsed = yaml(
      ['a:', '- x', '- y', 'b:', '  - k: 1', '    l: 2', '  - - n1', '    - n2', '  -', '    deep: z'].join('\n'),
    );
    expect(parsed).toEqual(
      new Map<string, unknown>([
        ['a', ['x', 'y']],
        [
          'b',
          [
            new Map<string, unknown>([
              ['k', 1],
              ['l', 2],
            ]),
            ['n1', 'n2'],
            new Map([['deep', 'z']]),
          ],
        ],
      ]),
    );
  });

  it('anchors, aliases and merge keys (explicit keys win)', () => {
    const parsed = parseComposeFile(
      [
        'x-app: &app',
        '  image: ghcr.io/mastodon/mastodon:v4.4.22',
        '  env_file: .env.production',
        '  restart: always',
        'x-nets: &nets [external_network, internal_network]',
        'services:',
        '  web:',
        '    <<: *app',
        '    command: bundle exec puma -C config/puma.rb',
        '    networks: *nets',
        '  sidekiq:',
        '    <<: [*app]',
        '    image: ghcr.io/mastodon/mastodon:v4.5.15',
      ].join('\n'),
    );
    expect(service(parsed, 'web')).toMatchObject({
      image: 'ghcr.io/mastodon/mastodon:v4.4.22',
      envFiles: ['.env.production'],
      networks: ['external_network', 'internal_network'],
    });
    expect(service(parsed, 'sidekiq')).toMatchObject({
      image: 'ghcr.io/mastodon/mastodon:v4.5.15',
      envFiles: ['.env.production'],
    });
  });

  it('a document marker and a plain value continued on the next line', () => {
    expect(yaml('---\ncommand: bundle exec\n  sidekiq -c 5\n')).toEqual(
      new Map([['command', 'bundle exec sidekiq -c 5']]),
    );
  });
});

describe('the dashboard’s own compose files (test/support/compose-stack.ts runs them through parseYaml)', () => {
  it.each(['deploy/compose.mastodash.yml', 'deploy/compose.mastodash-direct.yml'])(
    '%s reads as a mapping of services',
    (path) => {
      const text = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
      const root = parseYaml(text);
      expect(root).toBeInstanceOf(Map);
      const file = parseComposeFile(text);
      expect(file.services.length).toBeGreaterThan(0);
      expect(file.services.every((s) => s.image === 'mastodash:latest')).toBe(true);
    },
  );
});

describe('merge keys, duplicate keys and what the yaml package reads that the old reader refused', () => {
  it('merge keys inside { }, several sources (the first listed wins), and explicit keys over merged ones', () => {
    const file = parseComposeFile(
      [
        'x-env: &env { DB_HOST: db, DB_PORT: 5432 }',
        'x-redis: &redis { REDIS_HOST: redis, DB_PORT: 6543 }',
        'x-app: &app',
        '  image: ghcr.io/mastodon/mastodon:v4.4.22',
        '  restart: always',
        'services:',
        '  web:',
        '    <<: [*app]',
        '    environment: { <<: [*env, *redis], DB_HOST: primary }',
        '  sidekiq:',
        '    <<: *app',
        '    environment:',
        '      <<: *env',
      ].join('\n'),
    );
    expect([...service(file, 'web').environment]).toEqual([
      ['DB_HOST', 'primary'],
      ['DB_PORT', '5432'],
      ['REDIS_HOST', 'redis'],
    ]);
    expect(service(file, 'sidekiq')).toMatchObject({ image: 'ghcr.io/mastodon/mastodon:v4.4.22' });
    expect([...service(file, 'sidekiq').environment]).toEqual([
      ['DB_HOST', 'db'],
      ['DB_PORT', '5432'],
    ]);
  });

  it('a quoted value folded over lines, as YAML (and compose) allow', () => {
    const file = parseComposeFile(
      [
        'services:',
        '  sidekiq:',
        '    image: x',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "ps aux | grep',
        "        '[s]idekiq\\ 8' || false\"]",
      ].join('\n'),
    );
    expect(service(file, 'sidekiq').healthcheck?.test).toEqual({
      kind: 'shell',
      command: "ps aux | grep '[s]idekiq 8' || false",
    });
  });

  it.each([
    [
      'in a block mapping',
      'services:\n  db:\n    environment:\n' +
        '      POSTGRES_PASSWORD: SENTINEL-ONE\n      POSTGRES_PASSWORD: SENTINEL-TWO',
      5,
    ],
    ['quoted and plain spellings of one key', "services:\n  db:\n    image: postgres\n    'image': SENTINEL-VALUE", 4],
    [
      'inside { } over several lines',
      'services:\n  db:\n    environment: {\n      A: 1,\n      A: SENTINEL-VALUE }',
      5,
    ],
  ])('a duplicate key %s: the line of the second, no value', (_name, text, line) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toBe(`line ${line}: a key appears twice in the same mapping`);
  });

  it('a key given by a merge and written out is not a duplicate', () => {
    const file = parseComposeFile('x: &x\n  image: a\nservices:\n  web:\n    <<: *x\n    image: b');
    expect(service(file, 'web').image).toBe('b');
  });

  it.each([
    ['a merge of a list', 'x: &x [a]\nservices:\n  web:\n    <<: *x', 4, /merge key/],
    ['a merge of a missing anchor inside [ ]', 'services:\n  web:\n    <<: [*nothing]', 3, /anchor/],
    ['a compose override tag', 'services:\n  web:\n    ports: !reset []', 3, /tags/],
    ['a key over two lines', 'services:\n  web:\n    image: a\n      SENTINEL-VALUE: x', 4, /indentation/],
    ['a value starting with @', 'services:\n  web:\n    image: @SENTINEL-VALUE', 3, /quote it/],
  ])('%s is refused with its line', (_name, text, line, reason) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('SENTINEL');
  });

  it('field errors carry the line too, and never the value', () => {
    const port = parseError('services:\n  web:\n    ports:\n      - published: 3000');
    expect(port.message).toBe('line 4: services.web.ports[0]: a long-syntax port needs target:');
    const secret = parseError(
      'services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: [SENTINEL-VALUE]',
    );
    expect(secret.message).toBe('line 5: services.db.environment.POSTGRES_PASSWORD must be a single value');
    const merged = parseError('x: &x\n  ports: [{ published: 3000 }]\nservices:\n  web:\n    <<: *x');
    expect(merged.message).toBe('line 5: services.web.ports[0]: a long-syntax port needs target:');
  });
});

describe('ports, environment, env_file, healthcheck forms', () => {
  it.each([
    ['3000', { target: '3000', protocol: 'tcp' }],
    ['3000:3000', { published: '3000', target: '3000', protocol: 'tcp' }],
    ['127.0.0.1:3000:3000', { hostIp: '127.0.0.1', published: '3000', target: '3000', protocol: 'tcp' }],
    ['0.0.0.0:4000:4000', { hostIp: '0.0.0.0', published: '4000', target: '4000', protocol: 'tcp' }],
    ['127.0.0.1::3000', { hostIp: '127.0.0.1', target: '3000', protocol: 'tcp' }],
    ['[::1]:3000:3000', { hostIp: '::1', published: '3000', target: '3000', protocol: 'tcp' }],
    ['53:53/udp', { published: '53', target: '53', protocol: 'udp' }],
    ['9000-9001:9000-9001', { published: '9000-9001', target: '9000-9001', protocol: 'tcp' }],
  ])('short syntax %s', (spec, expected) => {
    expect(parseShortPort(spec)).toEqual(expected);
  });

  it('long syntax, a bare number, map environment, env_file objects, and the string healthcheck form', () => {
    const file = parseComposeFile(
      [
        'services:',
        '  web:',
        '    image: x',
        '    ports:',
        '      - target: 3000',
        '        published: 3000',
        '        host_ip: 127.0.0.1',
        '      - 4000',
        '    environment:',
        '      DB_HOST: db',
        '      DB_PORT: 5432',
        '      FROM_SHELL:',
        '    env_file:',
        '      - path: .env.production',
        '        required: true',
        '      - ./extra.env',
        '    healthcheck:',
        '      test: curl -f localhost:3000/health',
        '  sidekiq:',
        '    image: x',
        '    environment:',
        '      - BARE_NAME',
        '      - WITH_EQUALS=a=b',
        '    healthcheck:',
        '      test: ["NONE"]',
        '    volumes:',
        '      - type: bind',
        '        source: ./public/system',
        '        target: /mastodon/public/system',
        '      - media:/data',
      ].join('\n'),
    );
    const web = service(file, 'web');
    expect(web.ports).toEqual([
      { hostIp: '127.0.0.1', published: '3000', target: '3000', protocol: 'tcp' },
      { target: '4000', protocol: 'tcp' },
    ]);
    expect([...web.environment]).toEqual([
      ['DB_HOST', 'db'],
      ['DB_PORT', '5432'],
      ['FROM_SHELL', undefined],
    ]);
    expect(web.envFiles).toEqual(['.env.production', './extra.env']);
    expect(web.networks).toEqual(['default']);
    expect(web.healthcheck?.test).toEqual({ kind: 'shell', command: 'curl -f localhost:3000/health' });
    const sidekiq = service(file, 'sidekiq');
    expect([...sidekiq.environment]).toEqual([
      ['BARE_NAME', undefined],
      ['WITH_EQUALS', 'a=b'],
    ]);
    expect(sidekiq.healthcheck).toEqual({ disabled: true, test: { kind: 'none' } });
    expect(sidekiq.volumes).toEqual([
      { type: 'bind', source: './public/system', target: '/mastodon/public/system' },
      { type: 'volume', source: 'media', target: '/data' },
    ]);
  });
});

describe('what the reader refuses, with the line and without the file’s text', () => {
  it.each([
    ['a tab in the indentation', 'services:\n\tweb:\n    image: x', 2, /tab/],
    ['an unterminated quote', 'services:\n  web:\n    image: "SENTINEL-VALUE\n', 3, /does not close/],
    [
      'an unknown escape',
      'services:\n  web:\n    environment:\n      - "DB_PASS=SENTINEL-VALUE\\q"',
      4,
      /unknown escape/,
    ],
    ['a duplicate key', 'services:\n  web:\n    image: a\n    image: b', 4, /twice/],
    ['a deeper line that continues nothing', 'services:\n  web:\n    image: a\n      ports: x', 4, /indentation/],
    [
      'an unclosed flow list',
      "services:\n  web:\n    healthcheck:\n      test: ['CMD', 'SENTINEL-VALUE'",
      4,
      /never closed/,
    ],
    ['a tag', 'services:\n  web:\n    image: !!str x', 3, /tags/],
    ['an unknown alias', 'services:\n  web:\n    <<: *missing', 3, /anchor/],
    ['a second document', 'services: {}\n---\nservices: {}', 2, /second YAML document/],
    ['a list item where a key belongs', 'services:\n  web:\n    image: x\n    - y', 4, /list item/],
  ])('%s', (_name, text, line, reason) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
    expect(error.message).not.toContain('SENTINEL');
  });

  it.each([
    ['an empty file', '', /empty/],
    ['no services', 'networks: {}', /no services/],
    ['services as a list', 'services:\n  - web', /services must be a mapping/],
    [
      'a port that is a mapping without target',
      'services:\n  web:\n    ports:\n      - published: 3000',
      /services\.web\.ports\[0\]: a long-syntax port needs target/,
    ],
    [
      'an alias expansion bomb',
      [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'services: {}',
      ].join('\n'),
      /too many aliases/,
    ],
    [
      'a healthcheck list without CMD',
      "services:\n  web:\n    healthcheck:\n      test: ['curl', 'x']",
      /services\.web\.healthcheck\.test: a list must start with CMD/,
    ],
  ])('%s names the field', (_name, text, reason) => {
    expect(parseError(text).message).toMatch(reason);
  });
});
