'use client';

import { useLocale } from 'next-intl';

import { formatFor, type Format } from '@/lib/i18n/format';

/** The active language's number, size, date and duration formatting, in a client component. */
export function useFormat(): Format {
  return formatFor(useLocale());
}
