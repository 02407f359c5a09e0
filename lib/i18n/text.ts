/**
 * A text that lib/ decides and the reader's language renders: a message key and its values. Code below the pages
 * (backends, doctor checks, detectors, alerts) returns these instead of English sentences, so that the same finding
 * reads in German on the page and in the admin's ALERT_LOCALE in a mail. Pure: the browser may render one too.
 *
 * A value may itself be a Text (`text('errors.joined', { title, detail })`), rendered first in the same language.
 */
import type { MessageKeys, Messages, NestedKeyOf } from 'next-intl';

/** Every full key of a message (not of a namespace), e.g. `common.nav.logout`. */
export type MessageKey = MessageKeys<Messages, NestedKeyOf<Messages>>;

export type TextValue = string | number | Date | Text;

export interface Text {
  key: MessageKey;
  values?: Record<string, TextValue>;
}

export function text(key: MessageKey, values?: Record<string, TextValue>): Text {
  return values ? { key, values } : { key };
}

export function isText(value: unknown): value is Text {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string';
}

/** What renders a flat message: next-intl's root translator (`getTranslations()` / `useTranslations()`). */
export type Translate = (key: MessageKey, values?: Record<string, string | number | Date>) => string;

export function renderText(translate: Translate, message: Text | string): string {
  if (typeof message === 'string') return message;
  if (!message.values) return translate(message.key);
  const values: Record<string, string | number | Date> = {};
  for (const [name, value] of Object.entries(message.values)) {
    values[name] = isText(value) ? renderText(translate, value) : value;
  }
  return translate(message.key, values);
}

const ENCODED = '\u0000text:';

/**
 * zod's issue messages are strings; a schema shared by the form and the server writes its messages as encoded
 * Texts (`z.string().min(1, encodeText(text('accounts.fields.usernameRequired')))`) and FieldError renders them
 * in the reader's language.
 */
export function encodeText(message: Text): string {
  return ENCODED + JSON.stringify(message);
}

export function decodeText(message: string): Text | string {
  if (!message.startsWith(ENCODED)) return message;
  try {
    const parsed: unknown = JSON.parse(message.slice(ENCODED.length));
    return isText(parsed) ? parsed : message;
  } catch {
    return message;
  }
}
