import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';

import plugin from '@/scripts/eslint/visible-literals.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
});

tester.run('mastodash/no-visible-literal', plugin.rules['no-visible-literal'], {
  valid: [
    { code: 'const a = <p>{t("home.title")}</p>;' },
    { code: 'const a = <p>· — % × 3 B</p>;' },
    { code: 'const a = <p className="muted small" data-testid="memory-headline">{value}</p>;' },
    { code: 'const a = <span>Mastodash</span>;' },
    { code: 'const a = <button aria-label={t("close")}>×</button>;' },
  ],
  invalid: [
    { code: 'const a = <p>Restart web</p>;', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <p>{"Not answering"}</p>;', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <p>{ok ? "Running" : `Stopped`}</p>;', errors: 2 },
    { code: 'const a = <p>{note && "see the log"}</p>;', errors: 1 },
    { code: 'const a = <input placeholder="username" />;', errors: 1 },
    { code: 'const a = <nav aria-label={"Main"} />;', errors: 1 },
    { code: 'const a = <Panel title="Memory" />;', errors: 1 },
  ],
});
