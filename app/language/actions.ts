'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';

import { getConfig } from '@/lib/config';
import { languageCookie } from '@/lib/i18n/choice';
import { checkRequest, requestFacts } from '@/lib/http/request-guard';
import { localPathOrRoot } from '@/lib/validations/auth';
import { languageChoiceSchema } from '@/lib/validations/language';

/**
 * The top bar's language switch. Public (the login page has it too) because it changes nothing on the server: it
 * only sets the browser's own language cookie, after the Host and Origin checks every POST gets. It answers with a
 * redirect to the page it came from, so it works as a plain form with JavaScript off.
 */
export async function changeLanguageAction(form: FormData): Promise<void> {
  const headerStore = await headers();
  const referer = new URL(headerStore.get('referer') ?? '/', 'http://referer.invalid');
  const back = localPathOrRoot(referer.pathname + referer.search);
  if (!checkRequest(requestFacts('POST', headerStore), getConfig().allowedHosts).ok) redirect(back);
  const choice = languageChoiceSchema.safeParse({ locale: form.get('locale') });
  if (choice.success) {
    const cookie = languageCookie(choice.data.locale, headerStore.get('x-forwarded-proto') === 'https');
    (await cookies()).set(cookie.name, cookie.value, cookie.options);
  }
  redirect(back);
}
