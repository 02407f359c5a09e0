import { z } from 'zod';

import { LOCALES } from '@/lib/i18n/locales';

/** The top bar's language switch: one of the languages we speak, nothing else. */
export const languageChoiceSchema = z.object({ locale: z.enum(LOCALES) });
