import { getLocale, getTranslations } from 'next-intl/server';

import { changeLanguageAction } from '@/app/language/actions';
import { LOCALE_NAMES, LOCALES } from '@/lib/i18n/locales';

/**
 * The top bar's language switch: a plain form, so it works before the scripts load and with JavaScript off. Each
 * language is named in itself, and the active one is marked, not hidden, so the control does not jump.
 */
export async function LanguageSwitch() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations('common.language')]);
  return (
    <form action={changeLanguageAction} className="language-switch" aria-label={t('label')}>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="submit"
          name="locale"
          value={option}
          lang={option}
          className="secondary small-button"
          aria-pressed={option === locale}
          data-testid={`language-${option}`}
        >
          {LOCALE_NAMES[option]}
        </button>
      ))}
    </form>
  );
}
