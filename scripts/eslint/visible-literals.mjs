/**
 * ESLint rule `mastodash/no-visible-literal`: a component may not render words of its own. Every visible text
 * comes from messages/<locale>/*.json through next-intl, so that a German page holds no English sentence.
 *
 * It reports words (two or more letters) in JSX text, in a string or template literal placed as a JSX child,
 * and in the string value of an attribute that people read or hear (VISIBLE_ATTRIBUTES). Symbols, numbers and
 * single letters pass (`·`, `—`, `%`, `×`, `B`), as do the names in ALLOWED, which are the same in every
 * language. Strings built outside JSX (a table of words in a .ts file) are not seen here; the catalog test and the
 * German e2e pages catch those.
 */

const WORD = /\p{L}{2,}/u;

const VISIBLE_ATTRIBUTES = new Set([
  'alt',
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'label',
  'placeholder',
  'title',
  'heading',
  'description',
  'emptyText',
  'summary',
]);

/** Product and program names, written the same in English and German. */
const ALLOWED = new Set([
  'Mastodash',
  'Mastodon',
  'Docker',
  'Sidekiq',
  'Redis',
  'PostgreSQL',
  'Postgres',
  'InfluxDB',
  'Telegraf',
  'tootctl',
  'OK',
]);

function reportable(value) {
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed !== '' && WORD.test(trimmed) && !ALLOWED.has(trimmed);
}

function staticString(node) {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked ?? '';
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Visible text comes from the message catalog, not from a literal in a component.' },
    messages: {
      literal: 'Visible text "{{text}}" is a literal; put it in messages/en and messages/de and render it with t().',
    },
    schema: [],
  },
  create(context) {
    const report = (node, value) =>
      context.report({ node, messageId: 'literal', data: { text: value.replace(/\s+/g, ' ').trim().slice(0, 60) } });
    return {
      JSXText(node) {
        if (reportable(node.value)) report(node, node.value);
      },
      JSXExpressionContainer(node) {
        if (node.parent.type === 'JSXAttribute') return;
        const candidates =
          node.expression.type === 'ConditionalExpression'
            ? [node.expression.consequent, node.expression.alternate]
            : node.expression.type === 'LogicalExpression'
              ? [node.expression.right]
              : [node.expression];
        for (const candidate of candidates) {
          const value = staticString(candidate);
          if (value !== undefined && reportable(value)) report(candidate, value);
        }
      },
      JSXAttribute(node) {
        const name = node.name.type === 'JSXIdentifier' ? node.name.name : undefined;
        if (!name || !VISIBLE_ATTRIBUTES.has(name) || !node.value) return;
        const value =
          node.value.type === 'Literal'
            ? staticString(node.value)
            : node.value.type === 'JSXExpressionContainer'
              ? staticString(node.value.expression)
              : undefined;
        if (value !== undefined && reportable(value)) report(node.value, value);
      },
    };
  },
};

const plugin = { rules: { 'no-visible-literal': rule } };

export default plugin;
